/**
 * The single entry for every api call, whichever door it came through (IPC, HTTP, tests):
 * look the method up, validate the request against its schema, call the service, and turn any
 * failure into a structured error. Nothing a caller sends can crash the host.
 */
import type { z } from 'zod';
import { methods } from '../../api/schemas';
import type { ApiServices, MethodName } from '../../api/contract';
import type { ApiResult } from '../../api/errors';
import { toApiError } from './errors';
import { jsonBoundsProblem, type JsonBounds } from '../../../engine/spec/bounds';

/**
 * Every request, before its schema looks at it: no api call needs more than a few levels of
 * nesting, and a 10 000-level one would overflow the stack of the schema check itself.
 */
export const REQUEST_BOUNDS: JsonBounds = { maxDepth: 40, maxValues: 200_000 };

export type Dispatch = (method: string, input: unknown) => Promise<ApiResult<unknown>>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** "Invalid request to METHOD: path: problem; …": how an input the method's schema refuses is told. */
export function invalidRequestMessage(method: string, error: z.ZodError): string {
  return `Invalid request to ${method}: ${issuesOf(error).map((i) => `${i.path || '(request)'}: ${i.message}`).join('; ')}`;
}

export function createDispatch(services: ApiServices, log: (line: string) => void = () => {}): Dispatch {
  return async (method, input) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `There is no api method "${method}".` } };
    }
    const tooBig = jsonBoundsProblem(input, REQUEST_BOUNDS);
    if (tooBig) return { ok: false, error: { code: 'invalid_request', message: `Invalid request to ${method}: ${tooBig}. Nothing was done.` } };
    const parsed = methods[method].input.safeParse(input ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid_request', message: invalidRequestMessage(method, parsed.error), issues: issuesOf(parsed.error) } };
    }
    const [service, member] = method.split('.') as [keyof ApiServices, string];
    const impl = (services[service] as unknown as Record<string, (i: unknown) => unknown>)[member];
    if (!impl) return { ok: false, error: { code: 'unknown_method', message: `${method} is not implemented by this host.` } };
    try {
      const value = await impl.call(services[service], parsed.data);
      return { ok: true, value };
    } catch (e) {
      const error = toApiError(e);
      if (error.code === 'internal') log(`api ${method} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return { ok: false, error };
    }
  };
}
