/**
 * Statistics across seeds: mean, sample standard deviation, t-based confidence intervals and
 * Welch's unequal-variance t-test. The t distribution comes from jstat (a maintained library),
 * not from a hand-rolled approximation.
 */
import jstatModule from 'jstat';

const { jStat } = jstatModule;

/** The p-quantile of Student's t distribution with `df` degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0)) return NaN;
  return jStat.studentt.inv(p, df);
}

/** P(T ≤ x) for Student's t with `df` degrees of freedom. */
export function tCdf(x: number, df: number): number {
  if (!(df > 0)) return NaN;
  return jStat.studentt.cdf(x, df);
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one value, NaN for none. */
  std: number;
  n: number;
}

/** Mean and sample standard deviation of the finite values. */
export function meanStd(values: readonly number[]): MeanStd {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  return { mean, std: n === 1 ? 0 : Math.sqrt(m2 / (n - 1)), n };
}

/** Half-width of the two-sided 95 % t interval of a mean: t(0.975, n−1) · s / √n (NaN for n < 2). */
export function ci95HalfWidth(std: number, n: number): number {
  if (n < 2) return NaN;
  return tQuantile(0.975, n - 1) * (std / Math.sqrt(n));
}

export interface WelchResult {
  /** mean(a) − mean(b). */
  diff: number;
  /** 95 % confidence interval of the difference (Welch–Satterthwaite df). */
  lo: number;
  hi: number;
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
  nA: number;
  nB: number;
}

/**
 * Welch's t-test of mean(a) = mean(b) without assuming equal variances:
 * t = (x̄a − x̄b) / √(sa²/na + sb²/nb), df by Welch–Satterthwaite. Needs two finite values per side.
 */
export function welch(a: readonly number[], b: readonly number[]): WelchResult {
  const A = meanStd(a);
  const B = meanStd(b);
  const diff = A.mean - B.mean;
  if (A.n < 2 || B.n < 2) return { diff, lo: NaN, hi: NaN, t: NaN, df: NaN, p: NaN, nA: A.n, nB: B.n };
  const va = (A.std * A.std) / A.n;
  const vb = (B.std * B.std) / B.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    // Both sides constant: the difference is exact.
    return { diff, lo: diff, hi: diff, t: diff === 0 ? 0 : Math.sign(diff) * Infinity, df: A.n + B.n - 2, p: diff === 0 ? 1 : 0, nA: A.n, nB: B.n };
  }
  const df = (va + vb) ** 2 / ((va * va) / (A.n - 1) + (vb * vb) / (B.n - 1));
  const t = diff / se;
  const p = Math.min(1, 2 * (1 - tCdf(Math.abs(t), df)));
  const h = tQuantile(0.975, df) * se;
  return { diff, lo: diff - h, hi: diff + h, t, df, p, nA: A.n, nB: B.n };
}
