/**
 * The typed host API, derived from the schema tables in schemas.ts: one service interface per
 * concern. The host implements `ApiServices`; the renderer gets an `LrLabApi` (IPC in
 * Electron, HTTP + WebSocket in browser mode) with the same shape.
 */
import type { z } from 'zod';
import type { events, methods } from './schemas';

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;

type ServiceOf<N extends string> = N extends `${infer S}.${string}` ? S : never;
type MemberOf<N extends string> = N extends `${string}.${infer M}` ? M : never;
export type ServiceName = ServiceOf<MethodName> | ServiceOf<EventName>;

/** What a caller passes (defaults may be omitted). */
export type Input<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
/** What the host receives after validation (defaults filled in). */
export type ParsedInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;
export type Output<M extends MethodName> = z.output<(typeof methods)[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export type Unsubscribe = () => void;

/** The client side: `api.runs.list({...})`, `api.training.onDidProgress(cb)`. */
export type LrLabApi = {
  [S in ServiceName]: {
    [M in MethodName as ServiceOf<M> extends S ? MemberOf<M> : never]: (input: Input<M>) => Promise<Output<M>>;
  } & {
    [E in EventName as ServiceOf<E> extends S ? MemberOf<E> : never]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe;
  };
};

/** The host side: one implementation per method, handed already-validated input. */
export type ApiServices = {
  [S in ServiceOf<MethodName>]: {
    [M in MethodName as ServiceOf<M> extends S ? MemberOf<M> : never]: (input: ParsedInput<M>) => Promise<Output<M>> | Output<M>;
  };
};

export type { ApiError, ApiErrorCode, ApiIssue, ApiResult } from './errors';
export type * from './schemas';
