/**
 * Small statistics for the research scripts: mean, sample std, Welch's and paired t-tests
 * with two-sided p-values from Student's t distribution (regularized incomplete beta,
 * Numerical Recipes' continued fraction). Pure functions, no dependencies.
 */

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN;
}

/** Sample standard deviation (n − 1); 0 for one value, NaN for none. */
export function std(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  if (xs.length === 1) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

function logGamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155, 0.00120865097386618, -0.000005395239384953];
  let y = x;
  const t = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let s = 1.00000000019001;
  for (const ci of c) s += ci / ++y;
  return -t + Math.log((2.506628274631 * s) / x);
}

function betaCf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 3e-14) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (bt * betaCf(a, b, x)) / a : 1 - (bt * betaCf(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export function tTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t) || !(df > 0)) return Number.NaN;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface TTest {
  readonly t: number;
  readonly df: number;
  readonly p: number;
}

/** Welch's unequal-variance t-test of mean(a) − mean(b). */
export function welch(a: readonly number[], b: readonly number[]): TTest {
  const va = std(a) ** 2 / a.length;
  const vb = std(b) ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  const t = (mean(a) - mean(b)) / se;
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  if (se === 0) return { t: mean(a) === mean(b) ? 0 : Math.sign(mean(a) - mean(b)) * Number.POSITIVE_INFINITY, df: Number.NaN, p: mean(a) === mean(b) ? 1 : 0 };
  return { t, df, p: tTwoSided(t, df) };
}

/** Paired t-test of mean(a − b) over matched pairs. */
export function paired(a: readonly number[], b: readonly number[]): TTest {
  const d = a.map((x, i) => x - (b[i] ?? Number.NaN));
  const se = std(d) / Math.sqrt(d.length);
  const t = mean(d) / se;
  const df = d.length - 1;
  if (se === 0) return { t: mean(d) === 0 ? 0 : Math.sign(mean(d)) * Number.POSITIVE_INFINITY, df, p: mean(d) === 0 ? 1 : 0 };
  return { t, df, p: tTwoSided(t, df) };
}

export function fmtMeanStd(xs: readonly number[], digits = 4): string {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return '—';
  return `${mean(v).toFixed(digits)} ± ${std(v).toFixed(digits)}`;
}

export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

export interface RankTest {
  /** Pairs with a nonzero difference (zeros are dropped, Wilcoxon's convention). */
  readonly n: number;
  readonly statistic: number;
  readonly p: number;
}

/**
 * Exact two-sided sign test: `pos` pairs went one way, `neg` the other (ties already dropped).
 * p = P(|B − n/2| ≥ |pos − n/2|) for B ~ Binomial(n, ½), i.e. 2·min tail, capped at 1.
 * Statistic: the smaller count.
 */
export function signTest(pos: number, neg: number): RankTest {
  const n = pos + neg;
  if (n === 0) return { n, statistic: 0, p: 1 };
  const k = Math.min(pos, neg);
  let tail = 0;
  let c = 1; // C(n, 0)
  for (let i = 0; i <= k; i++) {
    tail += c;
    c = (c * (n - i)) / (i + 1);
  }
  return { n, statistic: k, p: Math.min(1, (2 * tail) / 2 ** n) };
}

/**
 * Wilcoxon signed-rank test of paired differences `d` (two-sided, exact): zero differences are
 * dropped, tied |d| get their average rank, and the p-value is the exact permutation distribution
 * of W+ (the sum of the positive ranks) over the 2^n sign assignments of those ranks — so it stays
 * exact with ties (ranks are counted in halves). Statistic: min(W+, W−), as scipy reports it.
 * Differences equal within 1e-12 relative count as tied.
 */
export function wilcoxonSignedRank(d: readonly number[]): RankTest {
  const nz = d.filter((x) => x !== 0 && Number.isFinite(x));
  const n = nz.length;
  if (n === 0) return { n, statistic: 0, p: 1 };
  const order = nz.map((x, i) => ({ a: Math.abs(x), pos: x > 0, i })).sort((x, y) => x.a - y.a);
  // Twice the average rank (an integer) per difference.
  const rank2 = new Array<number>(n).fill(0);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && Math.abs(order[j + 1]!.a - order[i]!.a) <= 1e-12 * Math.max(1, order[i]!.a)) j++;
    for (let k = i; k <= j; k++) rank2[k] = i + 1 + (j + 1); // 2 × (i+1 + j+1)/2
    i = j + 1;
  }
  const total2 = rank2.reduce((s, r) => s + r, 0);
  const wPlus2 = order.reduce((s, o, k) => s + (o.pos ? rank2[k]! : 0), 0);
  // counts[s] = number of sign assignments whose doubled positive-rank sum is s.
  let counts = new Float64Array(total2 + 1);
  counts[0] = 1;
  for (const r of rank2) {
    const next = new Float64Array(total2 + 1);
    for (let s = 0; s <= total2; s++) {
      const c = counts[s]!;
      if (c === 0) continue;
      next[s] = next[s]! + c;
      next[s + r] = next[s + r]! + c;
    }
    counts = next;
  }
  const lo2 = Math.min(wPlus2, total2 - wPlus2);
  let tail = 0;
  for (let s = 0; s <= lo2; s++) tail += counts[s]!;
  return { n, statistic: lo2 / 2, p: Math.min(1, (2 * tail) / 2 ** n) };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}
