/**
 * The renderer's one door to the host. In Electron the preload has put a ready `lrlab` api on
 * window; in browser mode we build the same api over HTTP + WebSocket.
 */
import type { LrLabApi } from '@api/index';
import { buildApi } from '@api/client';
import { createBrowserTransport, readToken } from './browserTransport';

declare global {
  interface Window {
    lrlab?: LrLabApi;
  }
}

let instance: LrLabApi | null = null;

export function useApi(): LrLabApi {
  instance ??= window.lrlab ?? buildApi(createBrowserTransport(readToken()));
  return instance;
}

/** Tests and stories inject a fake. */
export function setApi(api: LrLabApi): void {
  instance = api;
}

export type { LrLabApi } from '@api/index';
