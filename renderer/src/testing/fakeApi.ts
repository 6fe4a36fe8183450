/**
 * A fake host for unit tests: the real client builder over an in-memory transport, so stores
 * see exactly the `LrLabApi` shape, errors included (a handler that throws an ApiError-like
 * object becomes an ApiCallError).
 */
import { buildApi } from '@api/client';
import type { ApiError, EventName, EventPayload, Input, LrLabApi, MethodName, Output } from '@api/index';

export type Handlers = { [M in MethodName]?: (input: Input<M>) => Output<M> | Promise<Output<M>> };

export interface FakeApi {
  readonly api: LrLabApi;
  readonly calls: { method: MethodName; input: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  listenerCount(event: EventName): number;
}

export class FakeApiError extends Error implements ApiError {
  constructor(readonly code: ApiError['code'], message: string, readonly issues?: ApiError['issues']) {
    super(message);
  }
}

export function fakeApi(handlers: Handlers): FakeApi {
  const calls: { method: MethodName; input: unknown }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api = buildApi({
    async call(method, input) {
      calls.push({ method: method as MethodName, input });
      const h = handlers[method as MethodName] as ((i: unknown) => unknown) | undefined;
      if (!h) return { ok: false, error: { code: 'unknown_method', message: `fake api: no handler for ${method}` } };
      try {
        return { ok: true, value: await h(input) };
      } catch (e) {
        if (e instanceof FakeApiError) return { ok: false, error: { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) } };
        throw e;
      }
    },
    subscribe(event, listener) {
      let s = listeners.get(event);
      if (!s) listeners.set(event, (s = new Set()));
      s.add(listener);
      return () => s.delete(listener);
    },
  });
  return {
    api,
    calls,
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
}

/** Lets pending promise callbacks run. */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
};
