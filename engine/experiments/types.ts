/**
 * The contract between an experiment and whoever runs it (the host's worker, the CLI, a
 * test). Only plain numbers, strings and typed arrays cross it: tensors never leave the engine.
 */

/** One logging step's metrics. Keys are part of the contract (see each experiment's metrics.ts). */
export interface MetricRecord {
  /** Global iteration count when the metrics were taken (0 = before the first update). */
  readonly step: number;
  /** 1-based epoch for epoch-based experiments, null for iteration-based ones. */
  readonly epoch: number | null;
  /** Milliseconds since the run (or its resumed segment) started. */
  readonly wallTimeMs: number;
  /** NaN and ±Infinity are legal values and must be kept as they are. */
  readonly values: Readonly<Record<string, number>>;
}

/** 'collapse': training loss stuck at chance or suddenly back near it (engine/experiments/collapse.ts). */
export type RunEventKind = 'anneal' | 'divergence' | 'collapse' | 'resume' | 'checkpoint' | 'info' | 'warning';

export interface RunEvent {
  readonly kind: RunEventKind;
  readonly step: number;
  readonly epoch: number | null;
  readonly message: string;
  readonly data?: Readonly<Record<string, number | string | boolean | null>>;
}

/** Opaque, engine-serialized state: weights, optimizer state, RNG state, position. */
export interface Checkpoint {
  readonly step: number;
  readonly epoch: number | null;
  readonly bytes: Uint8Array;
}

export interface ProgressInfo {
  readonly step: number;
  /** Upper bound on the step count (the run's max iterations or epochs × steps per epoch). */
  readonly totalSteps: number;
  readonly epoch: number | null;
  readonly totalEpochs: number | null;
}

export interface RunHooks {
  onMetrics?(m: MetricRecord): void;
  onEvent?(e: RunEvent): void;
  /** Called every step; callers throttle. */
  onProgress?(p: ProgressInfo): void;
  /** Awaited before training goes on, so a checkpoint is durable before the next epoch. */
  onCheckpoint?(c: Checkpoint): void | Promise<void>;
  /** Polled between steps; true ends the run with status 'stopped'. */
  shouldStop?(): boolean;
}

export type RunEndStatus = 'completed' | 'diverged' | 'stopped';

export interface RunResult {
  readonly status: RunEndStatus;
  readonly steps: number;
  readonly epochs: number | null;
  /** Iteration of the learning-rate (or noise) anneal, or null when there was none. */
  readonly annealStep: number | null;
  /** Why the run ended, for people: 'loss ≤ ε2', 'max iterations', 'NaN in train/loss', ... */
  readonly stopReason: string;
  readonly wallS: number;
  /** Last value of every metric key. */
  readonly final: Readonly<Record<string, number>>;
  /**
   * True when the training loss stayed at chance or suddenly collapsed back towards it (a
   * `collapse` event says where and why; docs/science.md). The status stays 'completed' (the
   * numbers are real), so whoever shows a run's outcome must show this flag. Engines always set
   * it; optional only so that results stored before it existed still type-check.
   */
  readonly collapsed?: boolean;
}

export interface RunOptions {
  /** Continue from this checkpoint instead of starting fresh. */
  readonly resumeFrom?: Checkpoint;
}
