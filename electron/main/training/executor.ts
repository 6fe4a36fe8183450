/**
 * How a run is executed, behind the queue. The queue decides *which* runs start and records
 * them (recorder.ts); an executor decides *where and how* they train. Today there is one, the
 * local worker process (localExecutor.ts); a cluster executor (Slurm) plugs in here too.
 *
 * The contract: the queue hands an executor a batch of runs (`startBatch`), each with the
 * callbacks of its recorder. The executor reports through those callbacks — started, metrics,
 * events, progress, checkpoints — and settles `done` exactly once with the run's outcome. It
 * never writes the store itself: the recorder is the only writer, whatever the executor, so
 * metrics, events and checkpoints land the same way from every executor.
 */
import type { RunSpec } from '../../../engine/spec';
import type { RunRow } from '../../../storage';
import type { BackendReport } from '../../../engine/backend';
import type { Checkpoint, MetricRecord, ProgressInfo, RunEvent, RunResult } from '../../../engine/experiments/types';

/** One run the queue asks an executor to train. */
export interface RunLaunch {
  readonly runId: string;
  readonly spec: RunSpec;
  /** Forced backend for this run (`--backend`); null lets the spec choose. */
  readonly backend: string | null;
  /** Continue from this checkpoint (a resume), or start at step 0. */
  readonly resumeFrom: Checkpoint | null;
}

/** What an executor says once the run's code is up: the backend it got and where it runs. */
export interface ExecutionStart {
  readonly backend: BackendReport;
  /** Library versions of the process that trains (tfjs, node, kernels, threads…). */
  readonly versions: Readonly<Record<string, string>>;
  /**
   * Where the run trains, for the run's provenance: e.g. `{ executor: 'local', 'worker pid': '1234' }`,
   * or a Slurm job id, node and partition. Merged into the run's recorded versions.
   */
  readonly where: Readonly<Record<string, string>>;
}

/** The recording side, implemented by RunRecorder: an executor reports everything here. */
export interface ExecutionCallbacks {
  started(s: ExecutionStart): void;
  metrics(records: readonly MetricRecord[]): void;
  event(e: RunEvent): void;
  progress(p: ProgressInfo): void;
  /** Resolves once the checkpoint is durable in the store; rejects when it could not be saved. */
  checkpoint(c: Checkpoint): Promise<void>;
}

/**
 * Why an execution ended without a result. `environment` marks faults outside the run itself —
 * the process killed by the OS (out of memory), the disk full, the store locked, a node lost —
 * which leave the run resumable from its last checkpoint (status `interrupted`, not `failed`).
 */
export type RunOutcome =
  | { readonly kind: 'end'; readonly result: RunResult }
  | { readonly kind: 'error'; readonly message: string; readonly environment: boolean }
  | { readonly kind: 'crash'; readonly message: string; readonly environment: boolean };

/** A run being executed. */
export interface Execution {
  readonly runId: string;
  /** Settles once, when the run has ended (every callback has been called by then). */
  readonly done: Promise<RunOutcome>;
  /** Asks the run to stop after its current step (points kept); forces it after `graceMs`. */
  stop(graceMs: number): void;
  /** Ends it now (the host is closing); the outcome is then ignored in favour of the closing reason. */
  kill(): void;
  /** Where it runs (diagnostics, fault tests): the local worker's pid, a job id… */
  readonly where: Readonly<Record<string, string>>;
  /**
   * For executors whose runs outlive the host (a cluster job): when the host closes, the queue
   * detaches instead of killing, records no end, and leaves the run `running` for a later host
   * to adopt (Executor.adopt).
   */
  detach?(): void;
}

export interface Executor {
  /** 'local', 'slurm', … (recorded in each run's provenance). */
  readonly name: string;
  /** How many runs it trains at once; the queue starts no more than this. */
  readonly capacity: number;
  /**
   * Starts a batch of runs (all that fit at this moment, in queue order). An executor that
   * submits jobs may submit the batch as one (a Slurm array); the local one starts a process each.
   * Returns one execution per launch, in order.
   */
  startBatch(batch: readonly { readonly launch: RunLaunch; readonly callbacks: ExecutionCallbacks }[]): Execution[];
  /** Called when the queue closes, after every execution was killed and has settled. */
  close?(): Promise<void>;
  /**
   * On queue start: takes over runs a previous host left `running` on this executor (a cluster
   * job still training). Returns their executions; `callbacksFor` gives each its recorder.
   */
  adopt?(running: readonly RunRow[], callbacksFor: (runId: string) => ExecutionCallbacks): Execution[];
  /** Whether a `running` run in the store belongs to this executor (adopted, not reported dead). */
  owns?(run: RunRow): boolean;
  /**
   * How many times the queue may resubmit this run by itself, from its latest checkpoint, when
   * its execution ends by a fault outside the run (a `crash` outcome with `environment`: Slurm
   * ended the task). Default 0: the run stays `interrupted` for a person to resume.
   */
  autoRequeues?(runId: string): number;
}

/**
 * An error from the recording side that is not the run's fault (disk full, store locked or
 * unwritable): executors pass it on as an `environment` outcome, so the run stays resumable.
 */
export class EnvironmentFault extends Error {
  override readonly name = 'EnvironmentFault';
}
