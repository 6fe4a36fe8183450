// storage/: the SQLite run store (better-sqlite3). Imports better-sqlite3, zod, Node built-ins, its own files and engine *types* only.
export { openStore, RunStore, isProcessAlive } from './store';
export type { OpenStoreOptions } from './store';
export { StoreError } from './errors';
export type { StoreErrorCode } from './errors';
export { MetricWriter } from './metricWriter';
export type { MetricWriterOptions, FlushInfo } from './metricWriter';
export { BUCKET_SIZE } from './summaries';
export { HostLock } from './hostLock';
export type { HostLockOptions } from './hostLock';
export { BUNDLE_FORMAT, BUNDLE_SCHEMA_VERSION, BundleSchema } from './bundle';
export type { Bundle, BundleEntry, ImportOptions, ImportResult } from './bundle';
export { SCHEMA_VERSION } from './migrations';
export { lttbIndices, minmaxIndices } from './downsample';
export { RUN_STATUSES, FINAL_RUN_STATUSES, RUN_SORT_COLUMNS } from './types';
export type * from './types';
