import { describe, expect, it } from 'vitest';
import { Rng } from '../../random';
import { KIND_BOTH, KIND_P_ONLY, KIND_Q_ONLY, drawDataset, drawPatterns, kindFractions } from './data';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, ao = 0, bo = 0, n = a.length) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i]! * b[bo + i]!;
  return s;
};

describe('P/Q data', () => {
  const d = 32;
  const r = Math.pow(d, -0.75);
  const gamma0 = 0.1;
  const pat = drawPatterns(Rng.forStream(7, 'patterns'), d, r, gamma0);
  const n = 20_000;
  const ds = drawDataset(Rng.forStream(7, 'train'), pat, n, 0.2, 0.5);

  it('draws unit w*, z and ζ ⟂ z with ‖ζ‖ = r', () => {
    expect(Math.sqrt(dot(pat.wStar, pat.wStar))).toBeCloseTo(1, 5);
    expect(Math.sqrt(dot(pat.z, pat.z))).toBeCloseTo(1, 5);
    expect(Math.sqrt(dot(pat.zeta, pat.zeta))).toBeCloseTo(r, 6);
    expect(Math.abs(dot(pat.z, pat.zeta))).toBeLessThan(1e-6);
  });

  it('has kind fractions near p0, q0', () => {
    const { p, q, both } = kindFractions(ds);
    // binomial std ≈ 0.003–0.0035 at n = 20000; 5σ bounds
    expect(Math.abs(p - 0.2)).toBeLessThan(0.015);
    expect(Math.abs(q - 0.5)).toBeLessThan(0.018);
    expect(Math.abs(both - 0.3)).toBeLessThan(0.017);
    let pos = 0;
    for (let i = 0; i < n; i++) if (ds.y[i] === 1) pos++;
    expect(Math.abs(pos / n - 0.5)).toBeLessThan(0.018);
  });

  it('puts zeros where a kind has no component and keeps the P margin', () => {
    let minMargin = Infinity;
    let perpSq = 0;
    let perpCount = 0;
    for (let e = 0; e < n; e++) {
      const row = e * 2 * d;
      const k = ds.kind[e];
      const x1sq = dot(ds.x, ds.x, row, row, d);
      const x2sq = dot(ds.x, ds.x, row + d, row + d, d);
      if (k === KIND_P_ONLY) expect(x2sq).toBe(0);
      if (k === KIND_Q_ONLY) expect(x1sq).toBe(0);
      if (k !== KIND_Q_ONLY) {
        const along = dot(ds.x, pat.wStar, row, 0, d);
        minMargin = Math.min(minMargin, ds.y[e]! * along);
        perpSq += x1sq - along * along;
        perpCount++;
      }
    }
    expect(minMargin).toBeGreaterThanOrEqual(gamma0 - 1e-5);
    expect(minMargin).toBeLessThan(gamma0 + 0.01); // the half-Gaussian starts at the margin
    // g⊥ ~ N(0, (I − w*w*ᵀ)/d): E‖g⊥‖² = (d − 1)/d
    expect(perpSq / perpCount).toBeCloseTo((d - 1) / d, 1);
  });

  it('draws Q_y as α z for y = +1 and α(z ± ζ) for y = −1', () => {
    let plus = 0;
    let minus = 0;
    for (let e = 0; e < n; e++) {
      if (ds.kind[e] === KIND_P_ONLY) continue;
      const row = e * 2 * d + d;
      const alpha = dot(ds.x, pat.z, row, 0, d);
      expect(alpha).toBeGreaterThanOrEqual(-1e-6);
      expect(alpha).toBeLessThan(1 + 1e-6);
      const c = alpha > 1e-3 ? dot(ds.x, pat.zeta, row, 0, d) / (alpha * r * r) : 0;
      if (ds.y[e] === 1) expect(Math.abs(c)).toBeLessThan(1e-3);
      else if (alpha > 1e-3) {
        expect(Math.abs(Math.abs(c) - 1)).toBeLessThan(1e-3);
        if (c > 0) plus++;
        else minus++;
      }
    }
    expect(Math.abs(plus / (plus + minus) - 0.5)).toBeLessThan(0.03);
    expect(ds.kind.filter((k) => k === KIND_BOTH).length).toBeGreaterThan(0);
  });

  it('is a function of the seed', () => {
    const again = drawDataset(Rng.forStream(7, 'train'), drawPatterns(Rng.forStream(7, 'patterns'), d, r, gamma0), 50, 0.2, 0.5);
    const first = drawDataset(Rng.forStream(7, 'train'), pat, 50, 0.2, 0.5);
    expect(Array.from(again.x)).toEqual(Array.from(first.x));
    const other = drawDataset(Rng.forStream(8, 'train'), pat, 50, 0.2, 0.5);
    expect(Array.from(other.x)).not.toEqual(Array.from(first.x));
  });

  it('restricts z and ζ to the last patch when asked (App. E.2)', () => {
    const p2 = drawPatterns(Rng.forStream(1, 'patterns'), 16, 0.2, 0, 4);
    for (let i = 0; i < 12; i++) {
      expect(p2.z[i]).toBe(0);
      expect(p2.zeta[i]).toBe(0);
    }
    expect(Math.sqrt(dot(p2.zeta, p2.zeta))).toBeCloseTo(0.2, 5);
  });
});
