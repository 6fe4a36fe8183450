import { describe, expect, it } from 'vitest';
import { incompleteBeta, paired, std, tTwoSided, welch } from './stats';

describe('research statistics', () => {
  it('Student t two-sided p-values match tables', () => {
    expect(tTwoSided(2.776, 4)).toBeCloseTo(0.05, 3); // t_{0.975, 4}
    expect(tTwoSided(12.706, 1)).toBeCloseTo(0.05, 3);
    expect(tTwoSided(1.96, 1e6)).toBeCloseTo(0.05, 3);
    expect(tTwoSided(0, 5)).toBeCloseTo(1, 12);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
  });

  it("Welch's and the paired test agree with hand computations", () => {
    // a: mean 2, var 1; b: mean 5, var 10/3 → se² = 1/3 + (10/3)/4, t = −3/se ≈ −2.78, df ≈ 4.9.
    const w = welch([1, 2, 3], [3, 4, 6, 7]);
    const vb = 10 / 3 / 4;
    expect(w.t).toBeCloseTo(-3 / Math.sqrt(1 / 3 + vb), 10);
    expect(w.df).toBeCloseTo((1 / 3 + vb) ** 2 / ((1 / 3) ** 2 / 2 + vb ** 2 / 3), 10);
    // scipy.stats.ttest_ind([1,2,3],[3,4,6,7], equal_var=False): p = 0.0413 (t −2.777, df 4.74).
    expect(w.p).toBeCloseTo(0.0413, 3);
    const p = paired([1.1, 2.2, 3.05], [1, 2, 3]);
    expect(p.df).toBe(2);
    expect(p.t).toBeCloseTo((0.35 / 3) / (std([0.1, 0.2, 0.05]) / Math.sqrt(3)), 8);
    expect(p.p).toBeCloseTo(0.1181, 3); // scipy.stats.ttest_rel
  });
});
