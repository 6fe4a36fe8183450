import { describe, expect, it } from 'vitest';
import { ci95HalfWidth, meanStd, tQuantile, welch } from './stats';
import { debiasedEma } from './smooth';
import { aggregateBand, groupKey, interpolateAt, minmaxKeep } from './aggregate';
import { buildSummary, sig, valueAt } from './summary';

describe("Student's t and Welch's test (jstat)", () => {
  it('gives the tabulated t quantiles', () => {
    // Two-sided 95 % critical values from any t table.
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.262, 3);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
  });

  it("matches the published Welch examples (Wikipedia, \"Welch's t-test\"; SciPy ttest_ind(equal_var=False))", () => {
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welch(a1, a2);
    // Published: t = −2.46, ν = 25.0, p = 0.021. SciPy 1.17: t = −2.4553564, df = 24.9885293,
    // p = 0.0213780, 95 % CI of the difference [−3.9840963, −0.3492371].
    expect(r.t).toBeCloseTo(-2.4553564, 6);
    expect(r.df).toBeCloseTo(24.9885293, 5);
    expect(r.p).toBeCloseTo(0.021378, 5);
    expect(r.lo).toBeCloseTo(-3.9840963, 5);
    expect(r.hi).toBeCloseTo(-0.3492371, 5);
    expect(r.diff).toBeCloseTo(-2.1666667, 6);

    const b1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
    const b2 = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];
    const s = welch(b1, b2);
    // Published: t = −1.57, ν = 9.9, p = 0.149.
    expect(s.t).toBeCloseTo(-1.5654335, 6);
    expect(s.df).toBeCloseTo(9.9047412, 5);
    expect(s.p).toBeCloseTo(0.1488417, 5);
    expect(s.lo).toBeCloseTo(-3.6984213, 5);
    expect(s.hi).toBeCloseTo(0.6484213, 5);
  });

  it('says "not enough data" (NaN) with fewer than two values a side', () => {
    const r = welch([1], [2, 3]);
    expect(Number.isNaN(r.p)).toBe(true);
    expect(r.diff).toBe(-1.5);
  });

  it('mean and sample std skip non-finite values', () => {
    expect(meanStd([1, 2, 3, NaN])).toEqual({ mean: 2, std: 1, n: 3 });
    expect(ci95HalfWidth(1, 3)).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
  });
});

describe('debiased EMA', () => {
  it('is TensorBoard’s formula: the first point is itself, later ones the debiased average', () => {
    const w = 0.6;
    const s = debiasedEma([1, 2, 3], w);
    expect(s[0]).toBeCloseTo(1, 12);
    // last1 = 0.4, last2 = 0.6·0.4 + 0.4·2 = 1.04; debias 1 − 0.36 = 0.64 → 1.625
    expect(s[1]).toBeCloseTo(1.04 / 0.64, 12);
    // last3 = 0.6·1.04 + 0.4·3 = 1.824; debias 1 − 0.216 = 0.784
    expect(s[2]).toBeCloseTo(1.824 / 0.784, 12);
  });

  it('keeps a constant series constant (no bias towards 0) and passes NaN through', () => {
    expect(debiasedEma([5, 5, 5, 5], 0.99).every((v) => Math.abs((v as number) - 5) < 1e-9)).toBe(true);
    const s = debiasedEma([1, NaN, 1, null], 0.5);
    expect(Number.isNaN(s[1] as number)).toBe(true);
    expect(s[2]).toBeCloseTo(1, 12);
    expect(s[3]).toBeNull();
  });

  it('weight 0 is the identity and weight ≥ 1 is refused', () => {
    expect(debiasedEma([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(() => debiasedEma([1], 1)).toThrow(/\[0, 1\)/);
  });
});

describe('grouping and bands', () => {
  const run = (id: string, condition: string | null, lr: number) => ({ id, name: `run ${id}`, condition, spec: { optim: { lr } } });

  it('groups by condition, by run, or by a spec field', () => {
    expect(groupKey(run('a', 'S+noise', 0.1), 'condition')).toBe('S+noise');
    expect(groupKey(run('a', null, 0.1), 'condition')).toBe('all runs');
    expect(groupKey(run('a', 'S', 0.1), 'run')).toBe('run a');
    expect(groupKey(run('a', 'S', 0.1), 'spec:optim.lr')).toBe('optim.lr = 0.1');
    expect(groupKey(run('a', 'S', 0.1), 'spec:optim.momentum')).toBe('optim.momentum = (unset)');
  });

  const seeds = [
    { x: [0, 1, 2], y: [1, 2, 3] },
    { x: [0, 1, 2], y: [3, 4, 5] },
    { x: [0, 1, 2], y: [2, 3, 7] },
  ];

  it('mean ± std, min–max and the t-based 95 % CI with n', () => {
    const sd = aggregateBand(seeds, 'std');
    expect(sd.x).toEqual([0, 1, 2]);
    expect(sd.mean).toEqual([2, 3, 5]);
    expect(sd.n).toEqual([3, 3, 3]);
    expect(sd.lo[0]).toBeCloseTo(1, 12);
    expect(sd.hi[2]).toBeCloseTo(7, 12); // std of 3,5,7 = 2
    const mm = aggregateBand(seeds, 'minmax');
    expect(mm.lo).toEqual([1, 2, 3]);
    expect(mm.hi).toEqual([3, 4, 7]);
    const ci = aggregateBand(seeds, 'ci95');
    expect(ci.hi[2]! - 5).toBeCloseTo((4.302653 * 2) / Math.sqrt(3), 5);
    const none = aggregateBand(seeds, 'none');
    expect(none.lo.every((v) => v === null)).toBe(true);
  });

  it('one run gives a mean and no std/CI band', () => {
    const b = aggregateBand([seeds[0]!], 'std');
    expect(b.mean).toEqual([1, 2, 3]);
    expect(b.lo).toEqual([null, null, null]);
  });

  it('runs logged at different steps meet on the union of steps, never extrapolated', () => {
    const b = aggregateBand(
      [
        { x: [0, 10], y: [0, 10] },
        { x: [0, 5], y: [2, 2] },
      ],
      'minmax',
    );
    expect(b.x).toEqual([0, 5, 10]);
    expect(b.mean).toEqual([1, 3.5, 10]);
    expect(b.n).toEqual([2, 2, 1]);
    expect(interpolateAt({ x: [0, 2], y: [0, null] }, [1])).toEqual([null]);
  });

  it('leaving a collapsed run out keeps it from pulling the mean down', () => {
    const healthy = [
      { x: [0, 1], y: [0.5, 0.9] },
      { x: [0, 1], y: [0.5, 0.92] },
    ];
    const collapsed = { x: [0, 1], y: [0.1, 0.1] };
    const all = aggregateBand([...healthy, collapsed], 'std');
    const without = aggregateBand(healthy, 'std');
    expect(all.mean[1]).toBeCloseTo(0.64, 10);
    expect(without.mean[1]).toBeCloseTo(0.91, 10);
    expect(without.n[1]).toBe(2);
  });

  it('minmax decimation keeps a single spike', () => {
    const y = Array.from({ length: 10_000 }, (_, i) => (i === 7_777 ? 100 : Math.sin(i / 100)));
    const keep = minmaxKeep(y, 400);
    expect(keep.length).toBeLessThanOrEqual(400);
    expect(keep).toContain(7_777);
    expect(minmaxKeep([1, 2, 3], 10)).toEqual([0, 1, 2]);
  });
});

describe('summary table', () => {
  const series = (ys: number[]) => new Map([['val/acc', { x: ys.map((_, i) => i * 10), y: ys }]]);
  const input = {
    groups: ['S', 'L-S'],
    keys: [{ key: 'val/acc', label: 'val acc', better: 'max' as const }],
    runs: [
      { group: 'S', excluded: false, series: series([0.1, 0.8, 0.7]) },
      { group: 'S', excluded: false, series: series([0.1, 0.9, 0.9]) },
      { group: 'L-S', excluded: false, series: series([0.1, 0.5, 0.95]) },
      { group: 'L-S', excluded: false, series: series([0.1, 0.6, 0.97]) },
      { group: 'L-S', excluded: true, series: series([0.1, 0.1, 0.1]) },
    ],
    at: 10,
    compare: ['L-S', 'S'] as [string, string],
    xLabel: 'step',
  };

  it('final, best and value-at as mean ± std (n), excluded runs left out', () => {
    const s = buildSummary(input);
    const ls = s.rows.find((r) => r.group === 'L-S')!;
    expect(ls.final.mean).toBeCloseTo(0.96, 12);
    expect(ls.final.n).toBe(2);
    expect(ls.at!.mean).toBeCloseTo(0.55, 12);
    const sRow = s.rows.find((r) => r.group === 'S')!;
    expect(sRow.best.mean).toBeCloseTo(0.85, 12);
    expect(sRow.final.mean).toBeCloseTo(0.8, 12);
    expect(s.tests).toHaveLength(1);
    expect(s.tests[0]!.diff).toBeCloseTo(0.16, 12);
  });

  it('copies as Markdown and LaTeX booktabs', () => {
    const s = buildSummary(input);
    expect(s.markdown).toContain('| condition | metric | final | best | at step 10 |');
    expect(s.markdown).toContain('| L-S | val acc | 0.96 ± 0.014 (2) |');
    expect(s.latex).toMatch(/\\begin\{tabular\}\{llrrr\}\n\\toprule/);
    expect(s.latex).toContain('\\midrule');
    expect(s.latex).toContain('L-S & val acc & $0.96 \\pm 0.014$ (2)');
    expect(s.latex).toContain('\\bottomrule');
  });

  it('value at x is the last point at or before x; numbers keep 4 significant digits', () => {
    expect(valueAt({ x: [0, 10, 20], y: [1, 2, 3] }, 15)).toBe(2);
    expect(valueAt({ x: [5], y: [1] }, 0)).toBeNull();
    expect(sig(0.123456)).toBe('0.1235');
    expect(sig(12345.6)).toBe('12350');
    expect(sig(null)).toBe('—');
  });
});
