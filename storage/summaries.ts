/**
 * Metric summaries, folded in memory: the latest value per run×key (count, NaN count, last,
 * min, max) and one bucket per 64 consecutive points (first, last, min, max, first NaN), so
 * lists and downsampled charts never scan every point. summarySql.ts writes them.
 */
import { VKIND_PLAIN, storedValue, valueKind } from './values';
import type { PointColumns } from './points';

/** Points per metric_buckets row. */
export const BUCKET_SIZE = 64;

export interface BucketAgg {
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

export interface KeyAgg {
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

/** Folds `cols` into a SummaryBuilder (values encoded as stored). */
export function summarize(cols: PointColumns, startOrdinal: (keyId: number) => number): SummaryBuilder {
  const builder = new SummaryBuilder(startOrdinal);
  const { keyIds, steps, values } = cols;
  for (let i = 0; i < steps.length; i++) {
    const v = values[i] as number;
    builder.add(keyIds[i] as number, steps[i] as number, storedValue(v), valueKind(v));
  }
  return builder;
}
