import type { ApiError, ApiErrorCode, ApiIssue } from '../../api/errors';

/** An error a service throws on purpose; the dispatcher turns it into a structured ApiError. */
export class HostError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: readonly ApiIssue[],
  ) {
    super(message);
    this.name = 'HostError';
  }
}

interface WithProblems {
  problems: readonly { path: string; message: string }[];
}

/** Maps anything a service threw to the wire error. Unknown errors keep their message. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof HostError) return { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) };
  if (e instanceof Error && e.name === 'SpecError' && Array.isArray((e as unknown as WithProblems).problems)) {
    return { code: 'invalid_spec', message: e.message, issues: (e as unknown as WithProblems).problems };
  }
  if (e instanceof Error && e.name === 'StoreError') {
    const code = (e as Error & { code?: string }).code;
    return { code: code === 'not_found' ? 'not_found' : code === 'duplicate' ? 'conflict' : 'store_error', message: e.message };
  }
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
