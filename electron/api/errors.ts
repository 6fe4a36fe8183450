/**
 * The one error shape every api call can fail with. The host never throws across the
 * boundary: a failed call resolves to `{ ok: false, error }` and the client raises ApiCallError.
 */
export type ApiErrorCode =
  | 'invalid_request' // the request did not match the method's schema
  | 'unknown_method'
  | 'invalid_spec' // a RunSpec failed validation; `issues` lists every problem
  | 'not_found'
  | 'conflict' // e.g. a duplicate id on import, a run in the wrong state for the action
  | 'store_error' // the run store refused (unwritable, corrupt, locked, newer schema, disk full)
  | 'unavailable' // e.g. a backend or dataset that is not on this machine
  | 'unauthorized' // browser mode: missing or wrong token
  | 'internal';

export interface ApiIssue {
  /** Dotted path into the request, e.g. `spec.data.d`; '' for the whole request. */
  readonly path: string;
  readonly message: string;
}

export interface ApiError {
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly issues?: readonly ApiIssue[];
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

/** What a client raises when a call resolves to an error. */
export class ApiCallError extends Error implements ApiError {
  readonly code: ApiErrorCode;
  readonly issues?: readonly ApiIssue[];
  constructor(readonly method: string, error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    if (error.issues) this.issues = error.issues;
  }
}
