/**
 * Shape-preserving downsampling of one series (steps ascending). Both methods return the indices
 * to keep, in order. Non-finite values (NaN gaps, ±Infinity) are never averaged away: every run of
 * equal non-finite values keeps its first and last point, so a chart still shows the gap.
 */

/** Indices of values that must survive: the ends of each run of NaN, +Inf or -Inf. */
function specialIndices(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  const n = values.length;
  let i = 0;
  while (i < n) {
    const v = values[i] as number;
    if (Number.isFinite(v)) {
      i++;
      continue;
    }
    const nan = v !== v;
    let j = i;
    while (j + 1 < n) {
      const w = values[j + 1] as number;
      if (nan ? w === w : w !== v) break;
      j++;
    }
    out.push(i);
    if (j > i) out.push(j);
    i = j + 1;
  }
  return out;
}

/** At most half the budget goes to non-finite points: beyond that, keep an even spread of them. */
function capSpecials(special: number[], maxPoints: number): number[] {
  const cap = Math.max(1, Math.floor(maxPoints / 2));
  if (special.length <= cap) return special;
  return Array.from({ length: cap }, (_, i) => special[Math.floor((i * special.length) / cap)] as number);
}

function finiteIndices(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i] as number)) out.push(i);
  return out;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(x as number);
      i++;
    } else if (x === undefined || y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013) over the finite points: the first and last
 * points are kept; the rest are split into `threshold − 2` buckets and each keeps the point that
 * makes the largest triangle with the previously kept point and the next bucket's average:
 * area = ½·|(xa − xc)(yb − ya) − (xa − xb)(yc − ya)|. A spike makes a large triangle, so it stays.
 */
export function lttbIndices(steps: ArrayLike<number>, values: ArrayLike<number>, maxPoints: number): number[] {
  const n = values.length;
  if (maxPoints >= n) return Array.from({ length: n }, (_, i) => i);
  const special = capSpecials(specialIndices(values), maxPoints);
  const idx = finiteIndices(values);
  const threshold = Math.max(3, maxPoints - special.length);
  if (threshold >= idx.length) return mergeSorted(idx, special);
  const kept: number[] = [idx[0] as number];
  const every = (idx.length - 2) / (threshold - 2);
  let a = idx[0] as number;
  for (let b = 0; b < threshold - 2; b++) {
    // next bucket's average (or the last point for the final bucket)
    const nextStart = Math.floor((b + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((b + 2) * every) + 1, idx.length);
    let avgX = 0;
    let avgY = 0;
    const nextLen = Math.max(1, nextEnd - nextStart);
    for (let j = nextStart; j < nextEnd; j++) {
      const p = idx[j] as number;
      avgX += steps[p] as number;
      avgY += values[p] as number;
    }
    if (nextEnd <= nextStart) {
      const p = idx[idx.length - 1] as number;
      avgX = steps[p] as number;
      avgY = values[p] as number;
    } else {
      avgX /= nextLen;
      avgY /= nextLen;
    }
    const start = Math.floor(b * every) + 1;
    const end = Math.floor((b + 1) * every) + 1;
    const ax = steps[a] as number;
    const ay = values[a] as number;
    let best = -1;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const p = idx[j] as number;
      const area = Math.abs((ax - avgX) * ((values[p] as number) - ay) - (ax - (steps[p] as number)) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = p;
      }
    }
    if (best >= 0) {
      kept.push(best);
      a = best;
    }
  }
  kept.push(idx[idx.length - 1] as number);
  return mergeSorted(kept, special);
}

/**
 * Min/max buckets: the finite points are cut into ⌊(maxPoints − 2)/2⌋ buckets of equal count and
 * each keeps its minimum and maximum (in step order); first and last points are kept too. Every
 * local extreme within a bucket's resolution survives exactly.
 */
export function minmaxIndices(values: ArrayLike<number>, maxPoints: number): number[] {
  const n = values.length;
  if (maxPoints >= n) return Array.from({ length: n }, (_, i) => i);
  const special = capSpecials(specialIndices(values), maxPoints);
  const idx = finiteIndices(values);
  const budget = Math.max(4, maxPoints - special.length);
  if (budget >= idx.length) return mergeSorted(idx, special);
  const buckets = Math.max(1, Math.floor((budget - 2) / 2));
  const kept: number[] = [idx[0] as number];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * idx.length) / buckets);
    const end = Math.floor(((b + 1) * idx.length) / buckets);
    if (end <= start) continue;
    let lo = idx[start] as number;
    let hi = lo;
    for (let j = start + 1; j < end; j++) {
      const p = idx[j] as number;
      if ((values[p] as number) < (values[lo] as number)) lo = p;
      if ((values[p] as number) > (values[hi] as number)) hi = p;
    }
    if (lo < hi) kept.push(lo, hi);
    else if (hi < lo) kept.push(hi, lo);
    else kept.push(lo);
  }
  kept.push(idx[idx.length - 1] as number);
  // bucket picks are ascending, but the first/last may repeat a pick
  return mergeSorted(dedupeSorted(kept), special);
}

function dedupeSorted(a: number[]): number[] {
  const out: number[] = [];
  for (const x of a) if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  return out;
}
