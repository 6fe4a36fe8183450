/**
 * The buffered writer of one run's metric points: flushes on a timer, on a point count, and on
 * flush()/close(), each flush one transaction (points plus their summaries).
 */
import type { MetricRecord } from '../engine/experiments/types';
import type { StoreCore } from './core';
import { StoreError, toStoreError } from './errors';
import { type PointColumns, emptyColumns, groupByKey, insertPoints } from './points';
import { summarize } from './summaries';
import { rebuildSummaries, writeSummaries } from './summarySql';

export interface FlushInfo {
  /** Points written by this flush. */
  readonly points: number;
  /** Largest step written by this flush (null when it wrote nothing). */
  readonly lastStep: number | null;
  /** Points written by this writer so far. */
  readonly totalPoints: number;
}

export interface MetricWriterOptions {
  /** Flush at least this often while points are pending (default 1000 ms). */
  readonly flushEveryMs?: number;
  /** Flush as soon as this many points are pending (default 20 000). */
  readonly flushEveryPoints?: number;
  /** Called after each successful flush (the SIGKILL test reports these to its parent). */
  readonly onFlush?: (info: FlushInfo) => void;
  /** Called when a timer-driven flush fails; the error is also thrown by the next write/flush/close. */
  readonly onError?: (err: StoreError) => void;
}

/**
 * Buffers a run's metric points and writes them in one transaction per flush: every
 * `flushEveryMs` or `flushEveryPoints`, and on flush()/close(). A kill -9 loses at most the
 * points since the last flush and never leaves half a batch (SQLite's WAL commit is atomic).
 */
export class MetricWriter {
  private cols: PointColumns = emptyColumns();
  private readonly ordinals = new Map<number, number>();
  private readonly lastSteps = new Map<number, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private pendingError: StoreError | null = null;
  private written = 0;
  private closed = false;
  private readonly flushEveryPoints: number;

  constructor(
    private readonly core: StoreCore,
    readonly runId: string,
    private readonly rid: number,
    private readonly options: MetricWriterOptions = {},
    /** Told when the writer closes (the store stops tracking it). */
    private readonly onClosed: (w: MetricWriter) => void = () => undefined,
  ) {
    this.flushEveryPoints = options.flushEveryPoints ?? 20_000;
    const every = options.flushEveryMs ?? 1000;
    this.timer = setInterval(() => this.timedFlush(), every);
    this.timer.unref?.();
  }

  /** Points waiting for the next flush. */
  get pending(): number {
    return this.cols.steps.length;
  }

  /** Buffers every value of an engine MetricRecord. */
  write(record: MetricRecord): void {
    this.throwPending();
    for (const key in record.values) {
      this.push(key, record.step, record.values[key] as number, record.epoch, record.wallTimeMs);
    }
    if (this.cols.steps.length >= this.flushEveryPoints) this.flush();
  }

  /** Buffers one point. */
  writePoint(key: string, step: number, value: number, epoch: number | null = null, wallTimeMs: number | null = null): void {
    this.throwPending();
    this.push(key, step, value, epoch, wallTimeMs);
    if (this.cols.steps.length >= this.flushEveryPoints) this.flush();
  }

  private push(key: string, step: number, value: number, epoch: number | null, wall: number | null): void {
    if (this.closed) throw new StoreError('closed', `The metric writer of run ${this.runId} is closed.`, this.core.file);
    if (!Number.isInteger(step)) {
      throw new StoreError('invalid_argument', `Metric step must be an integer, got ${step} (key ${key}).`, this.core.file);
    }
    let keyId: number;
    try {
      keyId = this.core.keyId(key);
    } catch (err) {
      throw toStoreError(err, this.core.file, `adding metric key ${key}`);
    }
    const c = this.cols;
    c.keyIds.push(keyId);
    c.steps.push(step);
    c.epochs.push(epoch);
    c.walls.push(wall);
    c.values.push(value);
  }

  private throwPending(): void {
    const err = this.pendingError;
    if (err) {
      this.pendingError = null;
      throw err;
    }
  }

  private timedFlush(): void {
    if (this.cols.steps.length === 0 || this.core.closed) return;
    try {
      this.flush();
    } catch (err) {
      const e = err instanceof StoreError ? err : toStoreError(err, this.core.file, 'saving metric points');
      this.pendingError = e;
      this.options.onError?.(e);
    }
  }

  private ordinalOf(keyId: number): number {
    const known = this.ordinals.get(keyId);
    if (known !== undefined) return known;
    const row = this.core
      .stmt('SELECT n_points, last_step FROM metric_latest WHERE run_rid = ? AND key_id = ?')
      .get(this.rid, keyId) as { n_points: number; last_step: number } | undefined;
    this.ordinals.set(keyId, row?.n_points ?? 0);
    if (row) this.lastSteps.set(keyId, row.last_step);
    return row?.n_points ?? 0;
  }

  /**
   * Writes every pending point in one transaction. On failure nothing is written and the points
   * stay pending (a later flush may succeed, e.g. once disk space is freed). Returns points written.
   */
  flush(): number {
    this.throwPending();
    const cols = groupByKey(this.cols);
    const n = cols.steps.length;
    if (n === 0) return 0;
    // Points at or before a key's last stored step replace or reorder stored points: such keys
    // get their summaries rebuilt from the points instead of merged.
    const dirty = new Set<number>();
    const lastSteps = new Map<number, number>();
    let maxStep = -Infinity;
    for (let i = 0; i < n; i++) {
      const keyId = cols.keyIds[i] as number;
      const step = cols.steps[i] as number;
      if (step > maxStep) maxStep = step;
      this.ordinalOf(keyId);
      const last = lastSteps.get(keyId) ?? this.lastSteps.get(keyId);
      if (last !== undefined && step <= last) dirty.add(keyId);
      lastSteps.set(keyId, step);
    }
    const aggs = summarize(cols, (k) => this.ordinals.get(k) ?? 0).results();
    this.core.write('saving metric points', () => {
      insertPoints(this.core, this.rid, cols);
      writeSummaries(
        this.core,
        this.rid,
        aggs.filter((a) => !dirty.has(a.keyId)),
      );
      if (dirty.size > 0) rebuildSummaries(this.core, this.rid, [...dirty]);
    });
    // Committed: advance the caches.
    for (const a of aggs) {
      if (dirty.has(a.keyId)) this.ordinals.delete(a.keyId);
      else this.ordinals.set(a.keyId, a.startOrdinal + a.count);
    }
    for (const [k, s] of lastSteps) this.lastSteps.set(k, Math.max(s, this.lastSteps.get(k) ?? -Infinity));
    this.cols = emptyColumns();
    this.written += n;
    this.options.onFlush?.({ points: n, lastStep: maxStep, totalPoints: this.written });
    return n;
  }

  /** Flushes and stops the timer. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      if (!this.core.closed) this.flush();
    } finally {
      this.closed = true;
      this.onClosed(this);
    }
  }
}
