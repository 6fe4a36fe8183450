/** Public shapes of the run store: what the host passes in and what it gets back. */
import type { RunEventKind } from '../engine/experiments/types';

/**
 * The one list of run statuses: storage checks transitions against it, the api validates with it
 * (electron/api/statuses.ts re-exports it) and the renderer gets it through the api.
 */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'diverged', 'stopped', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses a run ends with (it no longer trains or waits). */
export const FINAL_RUN_STATUSES = ['completed', 'failed', 'diverged', 'stopped', 'interrupted'] as const satisfies readonly RunStatus[];
export type RunFinalStatus = (typeof FINAL_RUN_STATUSES)[number];
/**
 * Statuses a run can be resumed from (from its last checkpoint): the host's queue refuses the
 * others, and the UI offers Resume only for these. A failed run may have ended by a fault outside it.
 */
export const RESUMABLE_RUN_STATUSES = ['interrupted', 'stopped', 'failed'] as const satisfies readonly RunFinalStatus[];
/** Whether a run with this status can be resumed. */
export function isResumable(status: RunStatus | null | undefined): boolean {
  return (RESUMABLE_RUN_STATUSES as readonly string[]).includes(status ?? '');
}

/** Event kinds: the engine's, plus those the host and the store record. */
export type StoreEventKind = RunEventKind | 'error' | 'interrupted';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface NewRun {
  /** Defaults to a random UUID. */
  readonly id?: string;
  readonly name: string;
  /** The RunSpec, stored verbatim as JSON text (the store never interprets it). */
  readonly spec: unknown;
  /** Hash of the canonical spec, computed by the caller. */
  readonly specHash: string;
  readonly kind: string;
  readonly algorithm?: string | null;
  readonly preset?: string | null;
  /** Runs that differ only by seed share a group id (seed groups are aggregated together). */
  readonly groupId?: string | null;
  readonly seed?: number | null;
  readonly tags?: readonly string[];
  readonly notes?: string;
  readonly appVersion?: string | null;
  readonly gitCommit?: string | null;
}

export interface RunStartInfo {
  /** Process that runs it; defaults to this process. */
  readonly pid?: number;
  /** Defaults to this machine's hostname. */
  readonly host?: string;
  readonly backend?: string | null;
  /** Library versions, e.g. { tfjs: '4.22.0', node: '20.19.0' }. */
  readonly versions?: Readonly<Record<string, string>> | null;
}

/**
 * What the engine reports at the end, all optional; an engine RunResult fits as it is. The whole
 * object is kept as JSON (summary_json), these fields also as sortable columns.
 */
export interface RunSummary {
  readonly steps?: number;
  readonly epochs?: number | null;
  readonly annealStep?: number | null;
  readonly stopReason?: string;
  readonly wallS?: number;
  readonly final?: Readonly<Record<string, number>>;
  /** The engine's collapse flag: training loss stuck at or collapsed back to chance (engine RunResult.collapsed). */
  readonly collapsed?: boolean;
}

export interface RunFinishInfo {
  readonly error?: string | null;
  readonly summary?: RunSummary | null;
}

export interface RunRow {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly algorithm: string | null;
  readonly preset: string | null;
  readonly groupId: string | null;
  readonly seed: number | null;
  /** The spec exactly as stored. */
  readonly specJson: string;
  readonly specHash: string;
  readonly status: RunStatus;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly updatedAt: number;
  readonly deletedAt: number | null;
  readonly backend: string | null;
  readonly versions: Readonly<Record<string, string>> | null;
  readonly appVersion: string | null;
  readonly gitCommit: string | null;
  readonly host: string | null;
  readonly pid: number | null;
  readonly error: string | null;
  readonly notes: string;
  readonly steps: number | null;
  readonly epochs: number | null;
  readonly annealStep: number | null;
  readonly stopReason: string | null;
  readonly wallS: number | null;
  readonly summary: RunSummary | null;
  readonly tags: readonly string[];
}

export interface LatestMetric {
  readonly key: string;
  readonly nPoints: number;
  readonly nanCount: number;
  readonly lastStep: number;
  /** May be NaN or ±Infinity. */
  readonly last: number;
  /** Over non-NaN points; null when every point is NaN. */
  readonly min: number | null;
  readonly minStep: number | null;
  readonly max: number | null;
  readonly maxStep: number | null;
}

export interface StoredEvent {
  readonly id: number;
  readonly at: number;
  readonly kind: StoreEventKind;
  readonly step: number | null;
  readonly epoch: number | null;
  readonly message: string;
  readonly data: Readonly<Record<string, JsonValue>> | null;
}

export interface NewEvent {
  readonly kind: StoreEventKind;
  readonly step?: number | null;
  readonly epoch?: number | null;
  readonly message: string;
  readonly data?: Readonly<Record<string, JsonValue>> | null;
}

export interface CheckpointInfo {
  readonly step: number;
  readonly epoch: number | null;
  /** Absolute path of the checkpoint file. */
  readonly file: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly createdAt: number;
}

export interface RunDetail extends RunRow {
  readonly spec: unknown;
  readonly events: readonly StoredEvent[];
  readonly checkpoints: readonly CheckpointInfo[];
  readonly metrics: readonly LatestMetric[];
}

/** Columns of a run a list can be sorted by, besides a metric's summary (MetricSort). */
export const RUN_SORT_COLUMNS = [
  'name',
  'status',
  'kind',
  'algorithm',
  'preset',
  'groupId',
  'seed',
  'backend',
  'createdAt',
  'startedAt',
  'endedAt',
  'updatedAt',
  'durationMs',
  'steps',
  'epochs',
  'annealStep',
  'wallS',
] as const;
export type RunSortColumn = (typeof RUN_SORT_COLUMNS)[number];
/**
 * The summaries the store keeps of each metric of a run (metric_latest): its last value, its
 * minimum and its maximum. Import-free, so the api's column ids (electron/api/columnIds.ts) use it.
 */
export const METRIC_STATS = ['last', 'min', 'max'] as const;
export type MetricStat = (typeof METRIC_STATS)[number];
/** Sort by one summary of a metric key (the host parses the api's `metric:<key>:<stat>` column id into this). */
export interface MetricSort {
  readonly metric: string;
  readonly stat: MetricStat;
}

export interface RunQuery {
  /** Case-insensitive substring of name, notes, preset or a tag. */
  readonly text?: string;
  /** Only these run ids (with the other filters: which of a selection a filter shows). */
  readonly ids?: readonly string[];
  readonly status?: readonly RunStatus[];
  readonly preset?: readonly string[];
  readonly kind?: readonly string[];
  readonly algorithm?: readonly string[];
  /** Runs carrying every one of these tags. */
  readonly tag?: readonly string[];
  readonly createdFrom?: number;
  readonly createdTo?: number;
  readonly groupId?: string;
  readonly includeDeleted?: boolean;
  /** Only deleted runs (the bin). */
  readonly onlyDeleted?: boolean;
  readonly sortBy?: RunSortColumn | MetricSort;
  readonly sortDir?: 'asc' | 'desc';
  readonly offset?: number;
  readonly limit?: number;
  /** Latest values of these metric keys are attached to each row. */
  readonly metricKeys?: readonly string[];
}

export interface RunListRow extends RunRow {
  readonly metrics: Readonly<Record<string, LatestMetric>>;
}

export interface RunList {
  readonly total: number;
  readonly rows: readonly RunListRow[];
}

export type DownsampleMethod = 'lttb' | 'minmax';

export interface SeriesQuery {
  readonly runIds: readonly string[];
  readonly keys: readonly string[];
  /** Downsample each series to about this many points; full resolution when absent. */
  readonly maxPoints?: number;
  readonly method?: DownsampleMethod;
  readonly fromStep?: number;
  readonly toStep?: number;
  /** Also return epochs and wall times (forces a read of the raw points). */
  readonly withEpochs?: boolean;
  readonly withWallTimes?: boolean;
}

export interface Series {
  readonly runId: string;
  readonly key: string;
  readonly steps: number[];
  /** NaN and ±Infinity kept. */
  readonly values: number[];
  readonly epochs?: (number | null)[];
  readonly wallTimes?: (number | null)[];
  /** Points in the (range of the) stored series before downsampling. */
  readonly totalPoints: number;
  readonly downsampled: boolean;
}

export interface GroupAggregate {
  readonly key: string;
  readonly runIds: readonly string[];
  readonly steps: number[];
  readonly mean: number[];
  readonly std: number[];
  readonly min: number[];
  readonly max: number[];
  /** Runs with a non-NaN value at the step. */
  readonly n: number[];
}

export interface FigureRow {
  readonly id: string;
  readonly name: string;
  readonly spec: unknown;
  readonly specJson: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface TagCount {
  readonly tag: string;
  readonly count: number;
}

export interface HostLockOwner {
  readonly ownerId: string;
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: number;
  readonly heartbeatAt: number;
}

export type SpecValidator = (
  spec: unknown,
) => { readonly ok: true } | { readonly ok: false; readonly problems: readonly unknown[] };
