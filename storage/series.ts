/**
 * Reading series for charts: full resolution, or downsampled per series with LTTB or min/max
 * buckets. Long series are downsampled from metric_buckets (first/min/max/last and first NaN of
 * every 64 points) instead of every point: a 50k-point series reads ~800 rows, and each spike is
 * still a bucket's min or max, so it survives (the "MinMax preselection, then LTTB" scheme).
 */
import type { StoreCore } from './core';
import { BUCKET_SIZE } from './summaries';
import { StoreError } from './errors';
import { lttbIndices, minmaxIndices } from './downsample';
import { VKIND_NAN, decodeValue } from './values';
import type { DownsampleMethod, GroupAggregate, Series, SeriesQuery } from './types';

interface Raw {
  steps: number[];
  values: number[];
  epochs?: (number | null)[];
  walls?: (number | null)[];
}

function readRaw(
  core: StoreCore,
  rid: number,
  keyId: number,
  from: number,
  to: number,
  withEpochs: boolean,
  withWalls: boolean,
  out?: Raw,
): Raw {
  const raw: Raw = out ?? { steps: [], values: [] };
  if (withEpochs) raw.epochs ??= [];
  if (withWalls) raw.walls ??= [];
  const rows = core
    .stmt(
      `SELECT step, value, vkind, epoch, wall_ms FROM metric_points
       WHERE run_rid = ? AND key_id = ? AND step >= ? AND step <= ? ORDER BY step`,
    )
    .raw(true)
    .all(rid, keyId, from, to) as [number, number | null, number, number | null, number | null][];
  for (const r of rows) {
    raw.steps.push(r[0]);
    raw.values.push(r[2] === 0 ? (r[1] as number) : decodeValue(r[1], r[2]));
    raw.epochs?.push(r[3]);
    raw.walls?.push(r[4]);
  }
  return raw;
}

type BucketRow = [
  n: number,
  firstStep: number,
  firstValue: number | null,
  lastStep: number,
  lastValue: number | null,
  minStep: number | null,
  minValue: number | null,
  maxStep: number | null,
  maxValue: number | null,
  nanStep: number | null,
];

/** Candidate points from buckets inside [from, to] plus raw points at the edges, or null if too coarse. */
function readCandidates(
  core: StoreCore,
  rid: number,
  keyId: number,
  from: number,
  to: number,
  maxPoints: number,
): { raw: Raw; total: number } | null {
  const buckets = core
    .stmt(
      `SELECT n, first_step, first_value, last_step, last_value, min_step, min_value, max_step, max_value, nan_step
       FROM metric_buckets WHERE run_rid = ? AND key_id = ? AND first_step >= ? AND last_step <= ? ORDER BY bucket`,
    )
    .raw(true)
    .all(rid, keyId, from, to) as BucketRow[];
  // Each bucket yields up to four points: too few buckets → the raw points are few enough to read.
  if (buckets.length * 4 < maxPoints) return null;
  const first = buckets[0] as BucketRow;
  const last = buckets[buckets.length - 1] as BucketRow;
  const raw = readRaw(core, rid, keyId, from, first[1] - 1, false, false);
  let total = raw.steps.length;
  const pts: [number, number][] = [];
  for (const b of buckets) {
    total += b[0];
    pts.length = 0;
    pts.push([b[1], b[2] ?? NaN], [b[3], b[4] ?? NaN]);
    if (b[5] !== null) pts.push([b[5], b[6] as number]);
    if (b[7] !== null) pts.push([b[7], b[8] as number]);
    if (b[9] !== null) pts.push([b[9], NaN]);
    pts.sort((p, q) => p[0] - q[0]);
    let prev = -Infinity;
    for (const [s, v] of pts) {
      if (s === prev) continue;
      prev = s;
      raw.steps.push(s);
      raw.values.push(v);
    }
  }
  const before = raw.steps.length;
  readRaw(core, rid, keyId, last[3] + 1, to, false, false, raw);
  total += raw.steps.length - before;
  return { raw, total };
}

function pick<T>(a: readonly T[], idx: readonly number[]): T[] {
  return idx.map((i) => a[i] as T);
}

function reduce(raw: Raw, maxPoints: number, method: DownsampleMethod): Raw {
  if (raw.steps.length <= maxPoints) return raw;
  const idx = method === 'lttb' ? lttbIndices(raw.steps, raw.values, maxPoints) : minmaxIndices(raw.values, maxPoints);
  return {
    steps: pick(raw.steps, idx),
    values: pick(raw.values, idx),
    ...(raw.epochs ? { epochs: pick(raw.epochs, idx) } : {}),
    ...(raw.walls ? { walls: pick(raw.walls, idx) } : {}),
  };
}

export function getSeries(core: StoreCore, q: SeriesQuery): Series[] {
  const from = q.fromStep ?? Number.MIN_SAFE_INTEGER;
  const to = q.toStep ?? Number.MAX_SAFE_INTEGER;
  const method = q.method ?? 'lttb';
  const maxPoints = q.maxPoints;
  if (maxPoints !== undefined && !(Number.isInteger(maxPoints) && maxPoints >= 4)) {
    throw new StoreError('invalid_argument', `maxPoints must be an integer ≥ 4, got ${maxPoints}.`, core.file);
  }
  const withEpochs = q.withEpochs ?? false;
  const withWalls = q.withWallTimes ?? false;
  return core.read('reading series', () => {
    const out: Series[] = [];
    for (const runId of q.runIds) {
      const rid = core.rid(runId);
      for (const key of q.keys) {
        const keyId = core.findKeyId(key);
        if (keyId === null) {
          out.push({ runId, key, steps: [], values: [], totalPoints: 0, downsampled: false });
          continue;
        }
        const n = (core
          .stmt('SELECT n_points FROM metric_latest WHERE run_rid = ? AND key_id = ?')
          .pluck()
          .get(rid, keyId) ?? 0) as number;
        let raw: Raw | null = null;
        let total = 0;
        if (maxPoints !== undefined && n > maxPoints && !withEpochs && !withWalls && n >= BUCKET_SIZE * 2) {
          const c = readCandidates(core, rid, keyId, from, to, maxPoints);
          if (c) {
            raw = c.raw;
            total = c.total;
          }
        }
        if (!raw) {
          raw = readRaw(core, rid, keyId, from, to, withEpochs, withWalls);
          total = raw.steps.length;
        }
        const reduced = maxPoints === undefined ? raw : reduce(raw, maxPoints, method);
        out.push({
          runId,
          key,
          steps: reduced.steps,
          values: reduced.values,
          ...(reduced.epochs ? { epochs: reduced.epochs } : {}),
          ...(reduced.walls ? { wallTimes: reduced.walls } : {}),
          totalPoints: total,
          downsampled: reduced.steps.length < total,
        });
      }
    }
    return out;
  });
}

/**
 * Per-step statistics of one key over runs (a seed group): n = runs with a non-NaN value at the
 * step; mean; sample standard deviation s = √(Σ(x − x̄)² / (n − 1)) (0 when n = 1), by Welford's
 * update; min; max. ±Infinity propagates as in IEEE arithmetic. With maxPoints, the steps kept are
 * those LTTB keeps on the mean curve.
 */
export function groupAggregate(
  core: StoreCore,
  runIds: readonly string[],
  key: string,
  maxPoints?: number,
): GroupAggregate {
  return core.read('aggregating a group', () => {
    const keyId = core.findKeyId(key);
    const acc = new Map<number, { n: number; mean: number; m2: number; min: number; max: number }>();
    if (keyId !== null) {
      const select = core
        .stmt('SELECT step, value, vkind FROM metric_points WHERE run_rid = ? AND key_id = ? ORDER BY step')
        .raw(true);
      for (const runId of runIds) {
        const rid = core.rid(runId);
        for (const [step, value, vkind] of select.all(rid, keyId) as [number, number | null, number][]) {
          let a = acc.get(step);
          if (!a) acc.set(step, (a = { n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity }));
          if (vkind === VKIND_NAN || value === null) continue;
          a.n++;
          const d = value - a.mean;
          a.mean += d / a.n;
          a.m2 += d * (value - a.mean);
          if (value < a.min) a.min = value;
          if (value > a.max) a.max = value;
        }
      }
    }
    const steps = [...acc.keys()].sort((x, y) => x - y);
    const res = {
      steps,
      mean: [] as number[],
      std: [] as number[],
      min: [] as number[],
      max: [] as number[],
      n: [] as number[],
    };
    for (const s of steps) {
      const a = acc.get(s) as { n: number; mean: number; m2: number; min: number; max: number };
      res.n.push(a.n);
      res.mean.push(a.n === 0 ? NaN : a.mean);
      res.std.push(a.n === 0 ? NaN : a.n === 1 ? 0 : Math.sqrt(a.m2 / (a.n - 1)));
      res.min.push(a.n === 0 ? NaN : a.min);
      res.max.push(a.n === 0 ? NaN : a.max);
    }
    if (maxPoints !== undefined && steps.length > maxPoints) {
      const idx = lttbIndices(res.steps, res.mean, maxPoints);
      return {
        key,
        runIds,
        steps: pick(res.steps, idx),
        mean: pick(res.mean, idx),
        std: pick(res.std, idx),
        min: pick(res.min, idx),
        max: pick(res.max, idx),
        n: pick(res.n, idx),
      };
    }
    return { key, runIds, ...res };
  });
}
