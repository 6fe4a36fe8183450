/**
 * The renderer's one door to the host. In Electron the preload has put the contract's raw api
 * on `window.lrlab` (IPC); in browser mode we build the same api over HTTP + WebSocket.
 */
import type { LrLabApi, RawLrLabApi } from '@api/client';
import { buildApi, rawApiTransport } from '@api/client';
import { createBrowserTransport, readToken } from './browserTransport';

declare global {
  interface Window {
    lrlab?: RawLrLabApi;
  }
}

let instance: LrLabApi | null = null;

export function useApi(): LrLabApi {
  instance ??= buildApi(window.lrlab ? rawApiTransport(window.lrlab) : createBrowserTransport(readToken()));
  return instance;
}

/** Tests inject a fake. */
export function setApi(api: LrLabApi): void {
  instance = api;
}

export type { LrLabApi } from '@api/client';
