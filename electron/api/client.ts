/**
 * Builds the client side of the contract from a transport. Used by the Electron preload (IPC)
 * and the browser client (HTTP + WebSocket), so both expose exactly the contract's members
 * and nothing else. No schema library here: the host validates every call.
 */
import { EVENT_NAMES, METHOD_NAMES } from './channels';
import type { EventName, EventPayload, Input, LrLabApi, MethodName, Unsubscribe } from './contract';
export type { LrLabApi } from './contract';
import type { ApiResult } from './errors';
import { ApiCallError } from './errors';

export interface Transport {
  call(method: string, input: unknown): Promise<ApiResult<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

type ServiceOf<N extends string> = N extends `${infer S}.${string}` ? S : never;
type MemberOf<N extends string> = N extends `${string}.${infer M}` ? M : never;

/** The api as the preload exposes it: calls resolve to results (errors survive contextBridge as data). */
export type RawLrLabApi = {
  [S in ServiceOf<MethodName> | ServiceOf<EventName>]: {
    [M in MethodName as ServiceOf<M> extends S ? MemberOf<M> : never]: (input: Input<M>) => Promise<ApiResult<unknown>>;
  } & {
    [E in EventName as ServiceOf<E> extends S ? MemberOf<E> : never]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe;
  };
};

function assemble(transport: Transport, wrap: (name: string, r: Promise<ApiResult<unknown>>) => Promise<unknown>): Record<string, Record<string, unknown>> {
  const api: Record<string, Record<string, unknown>> = {};
  for (const name of METHOD_NAMES) {
    const [service, member] = name.split('.') as [string, string];
    (api[service] ??= {})[member] = (input: unknown) => wrap(name, transport.call(name, input ?? {}));
  }
  for (const name of EVENT_NAMES) {
    const [service, member] = name.split('.') as [string, string];
    (api[service] ??= {})[member] = (listener: (payload: unknown) => void) => transport.subscribe(name, listener);
  }
  return api;
}

/** The api whose calls resolve to values and reject with ApiCallError. */
export function buildApi(transport: Transport): LrLabApi {
  return assemble(transport, async (name, r) => {
    const res = await r;
    if (res.ok) return res.value;
    throw new ApiCallError(name, res.error);
  }) as unknown as LrLabApi;
}

/** The api whose calls resolve to ApiResult (for the preload). */
export function buildRawApi(transport: Transport): RawLrLabApi {
  return assemble(transport, (_name, r) => r) as unknown as RawLrLabApi;
}

/** A transport over a raw api (the renderer's view of what the preload exposed). */
export function rawApiTransport(raw: RawLrLabApi): Transport {
  const table = raw as unknown as Record<string, Record<string, (x: unknown) => unknown>>;
  const member = (name: string) => {
    const [s, m] = name.split('.') as [string, string];
    const f = table[s]?.[m];
    if (!f) throw new Error(`The preload exposes no ${name}; rebuild LR Lab.`);
    return f;
  };
  return {
    call: (name, input) => member(name)(input) as Promise<ApiResult<unknown>>,
    subscribe: (name, listener) => member(name)(listener) as () => void,
  };
}
