/**
 * Metric points: batched inserts, and the two summaries kept in step with them (metric_latest per
 * run×key, metric_buckets per 64 consecutive points) so lists and downsampled charts never scan
 * every point.
 */
import type { MetricRecord } from '../engine/experiments/types';
import type { StoreCore } from './core';
import { StoreError, toStoreError } from './errors';
import { VKIND_NAN, VKIND_NEG_ZERO, VKIND_PLAIN } from './values';

/** Points per metric_buckets row. */
export const BUCKET_SIZE = 64;
/** Rows per multi-row INSERT (7 parameters each): fewer JS→C calls than one statement per row. */
const INSERT_CHUNK = 64;

interface BucketAgg {
  bucket: number;
  n: number;
  firstStep: number;
  firstValue: number | null;
  lastStep: number;
  lastValue: number | null;
  minStep: number | null;
  minValue: number | null;
  maxStep: number | null;
  maxValue: number | null;
  nanStep: number | null;
}

interface KeyAgg {
  keyId: number;
  startOrdinal: number;
  count: number;
  nanCount: number;
  lastStep: number;
  lastValue: number | null;
  lastVkind: number;
  minStep: number | null;
  minValue: number | null;
  maxStep: number | null;
  maxValue: number | null;
  buckets: BucketAgg[];
}

/**
 * Folds points (in step order per key) into latest-value and bucket summaries. Ordinals (the
 * point's index within its run×key) decide the bucket: bucket = ⌊ordinal / 64⌋.
 */
export class SummaryBuilder {
  private readonly keys = new Map<number, KeyAgg>();
  constructor(private readonly startOrdinal: (keyId: number) => number) {}

  /** `value` is the stored REAL (null for NaN), `vkind` its kind. */
  add(keyId: number, step: number, value: number | null, vkind: number): void {
    let k = this.keys.get(keyId);
    if (!k) {
      k = {
        keyId,
        startOrdinal: this.startOrdinal(keyId),
        count: 0,
        nanCount: 0,
        lastStep: step,
        lastValue: null,
        lastVkind: VKIND_PLAIN,
        minStep: null,
        minValue: null,
        maxStep: null,
        maxValue: null,
        buckets: [],
      };
      this.keys.set(keyId, k);
    }
    const bucket = Math.floor((k.startOrdinal + k.count) / BUCKET_SIZE);
    k.count++;
    let b = k.buckets[k.buckets.length - 1];
    if (!b || b.bucket !== bucket) {
      b = {
        bucket,
        n: 0,
        firstStep: step,
        firstValue: value,
        lastStep: step,
        lastValue: value,
        minStep: null,
        minValue: null,
        maxStep: null,
        maxValue: null,
        nanStep: null,
      };
      k.buckets.push(b);
    }
    b.n++;
    b.lastStep = step;
    b.lastValue = value;
    k.lastStep = step;
    k.lastValue = value;
    k.lastVkind = vkind;
    if (value === null) {
      k.nanCount++;
      if (b.nanStep === null) b.nanStep = step;
      return;
    }
    if (b.minValue === null || value < b.minValue) {
      b.minValue = value;
      b.minStep = step;
    }
    if (b.maxValue === null || value > b.maxValue) {
      b.maxValue = value;
      b.maxStep = step;
    }
    if (k.minValue === null || value < k.minValue) {
      k.minValue = value;
      k.minStep = step;
    }
    if (k.maxValue === null || value > k.maxValue) {
      k.maxValue = value;
      k.maxStep = step;
    }
  }

  results(): KeyAgg[] {
    return [...this.keys.values()];
  }
}

const UPSERT_LATEST = `
INSERT INTO metric_latest(run_rid, key_id, n_points, nan_count, last_step, last_value, last_vkind,
                          min_step, min_value, max_step, max_value)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(run_rid, key_id) DO UPDATE SET
  n_points   = n_points + excluded.n_points,
  nan_count  = nan_count + excluded.nan_count,
  last_step  = CASE WHEN excluded.last_step >= last_step THEN excluded.last_step ELSE last_step END,
  last_value = CASE WHEN excluded.last_step >= last_step THEN excluded.last_value ELSE last_value END,
  last_vkind = CASE WHEN excluded.last_step >= last_step THEN excluded.last_vkind ELSE last_vkind END,
  min_step   = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value)
                    THEN excluded.min_step ELSE min_step END,
  min_value  = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value)
                    THEN excluded.min_value ELSE min_value END,
  max_step   = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value)
                    THEN excluded.max_step ELSE max_step END,
  max_value  = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value)
                    THEN excluded.max_value ELSE max_value END`;

const UPSERT_BUCKET = `
INSERT INTO metric_buckets(run_rid, key_id, bucket, n, first_step, first_value, last_step, last_value,
                           min_step, min_value, max_step, max_value, nan_step)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(run_rid, key_id, bucket) DO UPDATE SET
  n           = n + excluded.n,
  first_step  = CASE WHEN excluded.first_step < first_step THEN excluded.first_step ELSE first_step END,
  first_value = CASE WHEN excluded.first_step < first_step THEN excluded.first_value ELSE first_value END,
  last_step   = CASE WHEN excluded.last_step >= last_step THEN excluded.last_step ELSE last_step END,
  last_value  = CASE WHEN excluded.last_step >= last_step THEN excluded.last_value ELSE last_value END,
  min_step    = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value)
                     THEN excluded.min_step ELSE min_step END,
  min_value   = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value)
                     THEN excluded.min_value ELSE min_value END,
  max_step    = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value)
                     THEN excluded.max_step ELSE max_step END,
  max_value   = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value)
                     THEN excluded.max_value ELSE max_value END,
  nan_step    = CASE WHEN nan_step IS NULL THEN excluded.nan_step
                     WHEN excluded.nan_step IS NULL THEN nan_step
                     ELSE min(nan_step, excluded.nan_step) END`;

/** Merges a builder's summaries into the tables (inside the caller's transaction). */
export function writeSummaries(core: StoreCore, rid: number, aggs: readonly KeyAgg[]): void {
  const latest = core.stmt(UPSERT_LATEST);
  const bucket = core.stmt(UPSERT_BUCKET);
  for (const k of aggs) {
    latest.run(
      rid,
      k.keyId,
      k.count,
      k.nanCount,
      k.lastStep,
      k.lastValue,
      k.lastVkind,
      k.minStep,
      k.minValue,
      k.maxStep,
      k.maxValue,
    );
    for (const b of k.buckets) {
      bucket.run(
        rid,
        k.keyId,
        b.bucket,
        b.n,
        b.firstStep,
        b.firstValue,
        b.lastStep,
        b.lastValue,
        b.minStep,
        b.minValue,
        b.maxStep,
        b.maxValue,
        b.nanStep,
      );
    }
  }
}

/** Flat column buffers of points for one run (what a flush or an import writes). */
export interface PointColumns {
  keyIds: number[];
  steps: number[];
  epochs: (number | null)[];
  walls: (number | null)[];
  /** Raw values: NaN, ±Infinity and -0 allowed. */
  values: number[];
}

export function emptyColumns(): PointColumns {
  return { keyIds: [], steps: [], epochs: [], walls: [], values: [] };
}

/**
 * The same points ordered by key, keeping arrival order within a key. Inserting one key's points
 * together keeps consecutive B-tree inserts on the same leaf page: ~1.5× the rows per CPU-second
 * of the interleaved order an engine logs in (every key of step s, then of step s+1, ...).
 */
export function groupByKey(cols: PointColumns): PointColumns {
  const n = cols.steps.length;
  const byKey = new Map<number, number[]>();
  let prev = -1;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const k = cols.keyIds[i] as number;
    if (k !== prev && byKey.has(k)) sorted = false;
    prev = k;
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push(i);
  }
  if (sorted) return cols;
  const out = emptyColumns();
  for (const list of byKey.values()) {
    for (const i of list) {
      out.keyIds.push(cols.keyIds[i] as number);
      out.steps.push(cols.steps[i] as number);
      out.epochs.push(cols.epochs[i] ?? null);
      out.walls.push(cols.walls[i] ?? null);
      out.values.push(cols.values[i] as number);
    }
  }
  return out;
}

/** Inserts points (replacing any point at the same run×key×step) in multi-row statements. */
export function insertPoints(core: StoreCore, rid: number, cols: PointColumns): void {
  const n = cols.steps.length;
  const full = Math.floor(n / INSERT_CHUNK) * INSERT_CHUNK;
  const rowSql = '(?, ?, ?, ?, ?, ?, ?)';
  const head = 'INSERT OR REPLACE INTO metric_points(run_rid, key_id, step, epoch, wall_ms, value, vkind) VALUES ';
  const many = core.stmt(head + Array.from({ length: INSERT_CHUNK }, () => rowSql).join(', '));
  const one = core.stmt(head + rowSql);
  const params: (number | null)[] = new Array<number | null>(INSERT_CHUNK * 7);
  const { keyIds, steps, epochs, walls, values } = cols;
  for (let start = 0; start < full; start += INSERT_CHUNK) {
    for (let j = 0; j < INSERT_CHUNK; j++) {
      const i = start + j;
      const o = j * 7;
      const v = values[i] as number;
      params[o] = rid;
      params[o + 1] = keyIds[i] as number;
      params[o + 2] = steps[i] as number;
      params[o + 3] = epochs[i] ?? null;
      params[o + 4] = walls[i] ?? null;
      if (v !== v) {
        params[o + 5] = null;
        params[o + 6] = VKIND_NAN;
      } else if (v === 0 && 1 / v < 0) {
        params[o + 5] = 0;
        params[o + 6] = VKIND_NEG_ZERO;
      } else {
        params[o + 5] = v;
        params[o + 6] = VKIND_PLAIN;
      }
    }
    many.run(params);
  }
  for (let i = full; i < n; i++) {
    const v = values[i] as number;
    const nan = v !== v;
    const negZero = v === 0 && 1 / v < 0;
    one.run(
      rid,
      keyIds[i] as number,
      steps[i] as number,
      epochs[i] ?? null,
      walls[i] ?? null,
      nan ? null : negZero ? 0 : v,
      nan ? VKIND_NAN : negZero ? VKIND_NEG_ZERO : VKIND_PLAIN,
    );
  }
}

/** Folds `cols` into a SummaryBuilder (values encoded as stored). */
export function summarize(cols: PointColumns, startOrdinal: (keyId: number) => number): SummaryBuilder {
  const builder = new SummaryBuilder(startOrdinal);
  const { keyIds, steps, values } = cols;
  for (let i = 0; i < steps.length; i++) {
    const v = values[i] as number;
    if (v !== v) builder.add(keyIds[i] as number, steps[i] as number, null, VKIND_NAN);
    else if (v === 0 && 1 / v < 0) builder.add(keyIds[i] as number, steps[i] as number, 0, VKIND_NEG_ZERO);
    else builder.add(keyIds[i] as number, steps[i] as number, v, VKIND_PLAIN);
  }
  return builder;
}

/**
 * Recomputes latest and bucket summaries of a run (or some of its keys) from its points. Used
 * after points were replaced or truncated, and by imports. Inside the caller's transaction.
 */
export function rebuildSummaries(core: StoreCore, rid: number, keyIds?: readonly number[]): void {
  const ids =
    keyIds ??
    (core.stmt('SELECT DISTINCT key_id FROM metric_points WHERE run_rid = ?').pluck().all(rid) as number[]);
  if (!keyIds) {
    core.stmt('DELETE FROM metric_latest WHERE run_rid = ?').run(rid);
    core.stmt('DELETE FROM metric_buckets WHERE run_rid = ?').run(rid);
  }
  const select = core
    .stmt('SELECT step, value, vkind FROM metric_points WHERE run_rid = ? AND key_id = ? ORDER BY step')
    .raw(true);
  for (const keyId of ids) {
    if (keyIds) {
      core.stmt('DELETE FROM metric_latest WHERE run_rid = ? AND key_id = ?').run(rid, keyId);
      core.stmt('DELETE FROM metric_buckets WHERE run_rid = ? AND key_id = ?').run(rid, keyId);
    }
    const builder = new SummaryBuilder(() => 0);
    for (const row of select.all(rid, keyId) as [number, number | null, number][]) {
      builder.add(keyId, row[0], row[2] === VKIND_NAN ? null : row[1], row[2]);
    }
    writeSummaries(core, rid, builder.results());
  }
}

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
