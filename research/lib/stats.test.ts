import { describe, expect, it } from 'vitest';
import { incompleteBeta, median, paired, signTest, std, tTwoSided, welch, wilcoxonSignedRank } from './stats';

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

  it('the exact sign test matches the binomial distribution (scipy.stats.binomtest)', () => {
    expect(signTest(9, 1).p).toBeCloseTo(0.021484375, 12); // 2·11/1024
    expect(signTest(2, 10).p).toBeCloseTo(0.03857421875, 12);
    expect(signTest(7, 0).p).toBeCloseTo(0.015625, 12);
    expect(signTest(5, 5).p).toBe(1);
    expect(signTest(0, 0)).toEqual({ n: 0, statistic: 0, p: 1 });
    expect(signTest(3, 1).statistic).toBe(1);
  });

  it('the exact Wilcoxon signed-rank test matches scipy without ties and a brute-force enumeration with them', () => {
    // scipy.stats.wilcoxon(d) (exact): statistic 24, p 0.041259765625.
    const a = wilcoxonSignedRank([6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]);
    expect(a.statistic).toBe(24);
    expect(a.p).toBeCloseTo(0.041259765625, 12);
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).p).toBeCloseTo(0.001953125, 12);
    expect(wilcoxonSignedRank([1, 2, -3, 4, 5, 6, 7, 8, 9, -10])).toMatchObject({ n: 10, statistic: 13 });
    expect(wilcoxonSignedRank([1, 2, -3, 4, 5, 6, 7, 8, 9, -10]).p).toBeCloseTo(0.16015625, 12);
    // Ties and a zero: the zero is dropped, tied |d| share average ranks, and the p-value is the
    // exact permutation distribution of those ranks (enumerated over 2^9 sign patterns in Python:
    // W− = 10, p = 0.16015625; scipy's 'exact' ignores ties and says 0.1640625).
    const t = wilcoxonSignedRank([1, 1, -2, 3, 3, 3, -4, 5, 0, 6]);
    expect(t).toMatchObject({ n: 9, statistic: 10 });
    expect(t.p).toBeCloseTo(0.16015625, 12);
    expect(wilcoxonSignedRank([0, 0]).p).toBe(1);
  });

  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
