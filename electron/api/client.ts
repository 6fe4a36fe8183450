/**
 * Builds an `LrLabApi` from two transport functions. Used by the Electron preload (IPC) and
 * the browser client (HTTP + WebSocket), so both expose exactly the contract's members.
 * No schema library here: the host validates every call.
 */
import { EVENT_NAMES, METHOD_NAMES } from './channels';
import type { LrLabApi } from './contract';
import type { ApiResult } from './errors';
import { ApiCallError } from './errors';

export interface Transport {
  call(method: string, input: unknown): Promise<ApiResult<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

export function buildApi(transport: Transport): LrLabApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const name of METHOD_NAMES) {
    const [service, member] = name.split('.') as [string, string];
    (api[service] ??= {})[member] = async (input: unknown) => {
      const r = await transport.call(name, input ?? {});
      if (r.ok) return r.value;
      throw new ApiCallError(name, r.error);
    };
  }
  for (const name of EVENT_NAMES) {
    const [service, member] = name.split('.') as [string, string];
    (api[service] ??= {})[member] = (listener: (payload: unknown) => void) => transport.subscribe(name, listener);
  }
  return api as unknown as LrLabApi;
}
