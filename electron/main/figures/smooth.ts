/**
 * Debiased exponential moving average, TensorBoard's formula: last ← w·last + (1 − w)·y over the
 * finite points (last starts at 0), divided by the debias weight 1 − w^k after k points, so the
 * first points are not pulled towards zero. Non-finite points pass through unchanged and do
 * not enter the average.
 */
export function debiasedEma(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  if (weight === 0) return [...values];
  const out: (number | null)[] = new Array<number | null>(values.length);
  let last = 0;
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      out[i] = y ?? null;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    k++;
    out[i] = last / (1 - weight ** k);
  }
  return out;
}
