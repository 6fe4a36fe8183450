/**
 * Grouping runs into conditions and aggregating a metric over a condition's seeds: the mean
 * and a band (mean ± std, min–max or the t-based 95 % CI of the mean), with n at every x.
 * Runs that logged at different steps are put on the union of their x values, each by linear
 * interpolation inside its own range (never extrapolated), so a short run does not drag the
 * mean past its end.
 */
import type { BandKind } from '../../api/schemas';
import { ci95HalfWidth } from './stats';

export interface XY {
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
}

export interface Band {
  x: number[];
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  /** Runs with a finite value at x. */
  n: number[];
}

/** The label a run is grouped under: its condition, itself, or a spec field's value. */
export function groupKey(
  run: { id: string; name: string; condition: string | null; spec: unknown },
  groupBy: string,
): string {
  if (groupBy === 'run') return run.name || run.id;
  if (groupBy.startsWith('spec:')) {
    let v: unknown = run.spec;
    for (const part of groupBy.slice(5).split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    const name = groupBy.slice(5);
    return v === undefined ? `${name} = (unset)` : `${name} = ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
  }
  return run.condition ?? 'all runs';
}

/** Groups items by key, groups in order of first appearance (or `order` when given). */
export function groupBy<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = keyOf(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** Sorted union of the x values of all series. */
export function unionGrid(series: readonly XY[]): number[] {
  const s = new Set<number>();
  for (const xy of series) for (const x of xy.x) s.add(x);
  return [...s].sort((a, b) => a - b);
}

/**
 * A series' values at the grid points: exact where it has a point, linear between its
 * neighbours inside its range, null outside its range or next to a gap (null/NaN).
 */
export function interpolateAt(s: XY, grid: readonly number[]): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(grid.length).fill(null);
  const xs = s.x;
  const ys = s.y;
  if (xs.length === 0) return out;
  let j = 0;
  for (let i = 0; i < grid.length; i++) {
    const g = grid[i] as number;
    if (g < (xs[0] as number) || g > (xs[xs.length - 1] as number)) continue;
    while (j < xs.length - 1 && (xs[j + 1] as number) <= g) j++;
    const x0 = xs[j] as number;
    const y0 = ys[j];
    if (x0 === g) {
      out[i] = y0 !== null && y0 !== undefined && Number.isFinite(y0) ? y0 : null;
      continue;
    }
    const x1 = xs[j + 1];
    const y1 = ys[j + 1];
    if (x1 === undefined || y0 === null || y0 === undefined || y1 === null || y1 === undefined || !Number.isFinite(y0) || !Number.isFinite(y1)) continue;
    out[i] = y0 + ((y1 - y0) * (g - x0)) / (x1 - x0);
  }
  return out;
}

/** Mean and band over the series at every x of their union. */
export function aggregateBand(series: readonly XY[], band: BandKind): Band {
  const x = unionGrid(series);
  const cols = series.map((s) => interpolateAt(s, x));
  const res: Band = { x, mean: [], lo: [], hi: [], n: [] };
  for (let i = 0; i < x.length; i++) {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const c of cols) {
      const v = c[i];
      if (v === null || v === undefined) continue;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    res.n.push(n);
    if (n === 0) {
      res.mean.push(null);
      res.lo.push(null);
      res.hi.push(null);
      continue;
    }
    res.mean.push(mean);
    const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
    let h: number | null = null;
    if (band === 'std') h = n > 1 ? std : null;
    else if (band === 'ci95') h = n > 1 ? ci95HalfWidth(std, n) : null;
    if (band === 'minmax') {
      res.lo.push(min);
      res.hi.push(max);
    } else if (h !== null) {
      res.lo.push(mean - h);
      res.hi.push(mean + h);
    } else {
      res.lo.push(null);
      res.hi.push(null);
    }
  }
  return res;
}

/**
 * Indices to keep so that about `max` points remain, keeping each bucket's first, min, max and
 * last point (spikes survive decimation). All indices when there are few enough.
 */
export function minmaxKeep(y: readonly (number | null)[], max: number): number[] {
  const n = y.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(max / 4));
  const size = n / buckets;
  const keep = new Set<number>();
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    // The last bucket ends at n exactly (buckets × (n / buckets) can round below n and lose the last point).
    const to = b === buckets - 1 ? n : Math.min(n, Math.floor((b + 1) * size));
    if (to <= from) continue;
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = y[i];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        keep.add(i); // gaps stay visible
        continue;
      }
      if (lo < 0 || v < (y[lo] as number)) lo = i;
      if (hi < 0 || v > (y[hi] as number)) hi = i;
    }
    keep.add(from).add(to - 1);
    if (lo >= 0) keep.add(lo);
    if (hi >= 0) keep.add(hi);
  }
  return [...keep].sort((a, b) => a - b);
}
