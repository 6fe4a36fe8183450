/**
 * Messages between the host and a training worker (one child process per run).
 *
 * Why a child process and not worker_threads: tfjs-node(-gpu)'s native addon cannot be loaded
 * in several threads of one process; a CUDA or wasm out-of-memory abort, or a step stuck in a
 * native kernel, takes down (or is killed with) only that run's process; each run gets its own
 * 4 GiB wasm heap, so a seed group can use both cores; and the worker never opens SQLite, so
 * better-sqlite3's Node/Electron ABI does not matter there. The host stays the store's only
 * writer. Messages use Node's 'advanced' serialization (structured clone), so checkpoint bytes
 * travel as typed arrays, not JSON.
 */
import type { RunSpec } from '../../../engine/spec';
import type { BackendReport } from '../../../engine/backend';
import type { Checkpoint, MetricRecord, ProgressInfo, RunEvent, RunResult } from '../../../engine/experiments/types';

export type HostToWorker =
  | { readonly type: 'start'; readonly runId: string; readonly spec: RunSpec; readonly backend: string | null; readonly resumeFrom: Checkpoint | null }
  | { readonly type: 'stop' }
  | { readonly type: 'checkpoint-saved'; readonly step: number };

export interface WorkerProvenance {
  readonly backend: BackendReport;
  readonly versions: Readonly<Record<string, string>>;
}

export type WorkerToHost =
  | { readonly type: 'started'; readonly provenance: WorkerProvenance }
  | { readonly type: 'metrics'; readonly records: readonly MetricRecord[] }
  | { readonly type: 'event'; readonly event: RunEvent }
  | { readonly type: 'progress'; readonly progress: ProgressInfo }
  | { readonly type: 'checkpoint'; readonly checkpoint: Checkpoint }
  | { readonly type: 'end'; readonly result: RunResult }
  | { readonly type: 'error'; readonly message: string; readonly stack: string | null };
