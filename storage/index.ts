// storage/: the SQLite run store (better-sqlite3). Imports better-sqlite3, zod, Node built-ins, its own files and engine *types* only.
export { openStore, RunStore, isProcessAlive } from './store';
export type { OpenStoreOptions } from './store';
export { StoreError } from './errors';
export type { StoreErrorCode } from './errors';
export { MetricWriter, BUCKET_SIZE } from './metrics';
export type { MetricWriterOptions, FlushInfo } from './metrics';
export { HostLock } from './hostLock';
export type { HostLockOptions } from './hostLock';
export { BUNDLE_FORMAT, BUNDLE_SCHEMA_VERSION, BundleSchema, MAX_BUNDLE_BYTES } from './bundle';
export { RUN_ID_PATTERN } from './runs';
export { MAX_FIGURE_SPEC_BYTES } from './figures';
export type { Bundle, BundleEntry, ImportOptions, ImportResult } from './bundle';
export { SCHEMA_VERSION } from './migrations';
export { lttbIndices, minmaxIndices } from './downsample';
export { RUN_STATUSES, RUN_SORT_COLUMNS } from './types';
export type * from './types';
export { diagnoseStore, salvageStore, salvagePath } from './doctor';
export type { DoctorReport, SalvageResult } from './doctor';
