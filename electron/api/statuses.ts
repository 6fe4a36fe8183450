/**
 * Run statuses for every layer: the store's list (storage/types.ts), re-exported. Schema-free and
 * import-free beyond that, so the renderer may import these values (as it does @api/channels).
 */
export { RUN_STATUSES, FINAL_RUN_STATUSES, RESUMABLE_RUN_STATUSES, isResumable } from '../../storage/types';
export type { RunStatus, RunFinalStatus } from '../../storage/types';
