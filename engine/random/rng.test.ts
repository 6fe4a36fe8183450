import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = Rng.fromSeed(7), b = Rng.fromSeed(7), c = Rng.fromSeed(8);
    const xa = Array.from({ length: 5 }, () => a.nextUint32());
    const xb = Array.from({ length: 5 }, () => b.nextUint32());
    const xc = Array.from({ length: 5 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('gives independent named streams', () => {
    const a = Rng.forStream(1, 'data').uniform();
    const b = Rng.forStream(1, 'init').uniform();
    expect(a).not.toBe(b);
    expect(Rng.forStream(1, 'data').uniform()).toBe(a);
  });

  it('restores exactly from a saved state', () => {
    const r = Rng.fromSeed(3);
    r.normal();
    const saved = r.getState();
    const next = [r.normal(), r.normal(), r.uniform()];
    const r2 = Rng.fromState(saved);
    expect([r2.normal(), r2.normal(), r2.uniform()]).toEqual(next);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const r = Rng.fromSeed(11);
    const x = r.fillNormal(new Float32Array(200_000));
    let m = 0, v = 0;
    for (const t of x) m += t;
    m /= x.length;
    for (const t of x) v += (t - m) ** 2;
    v /= x.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.02);
  });

  it('fillNormal gives exactly the numbers of repeated normal() calls, and the same state', () => {
    const a = Rng.fromSeed(21), b = Rng.fromSeed(21);
    const xs = a.fillNormal(new Float32Array(50_000));
    const ys = Float32Array.from({ length: 50_000 }, () => b.normal());
    expect(xs).toEqual(ys);
    expect(a.getState()).toEqual(b.getState());
  });

  it('continues an old state that holds a polar spare with that spare first', () => {
    const r = Rng.fromState({ s: [1, 2, 3, 4], spare: 0.25 });
    const out = r.fillNormal(new Float32Array(3), 2, 1);
    expect(out[0]).toBe(1 + 2 * 0.25);
    expect(r.getState().spare).toBeNull();
  });

  it('matches the normal distribution: KS distance, tails beyond the ziggurat base, symmetry', () => {
    const n = 400_000;
    const x = Rng.fromSeed(99).fillNormal(new Float32Array(n));
    const sorted = Float64Array.from(x).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const c = normalCdf(sorted[i]!);
      d = Math.max(d, Math.abs(c - i / n), Math.abs(c - (i + 1) / n));
    }
    // 1% critical value of the Kolmogorov–Smirnov statistic is 1.63/√n.
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
    // Tails: P(|x| > 2) = 0.0455, P(|x| > 3.4426) = 5.76e-4 (draws from the tail routine).
    const beyond = (t: number) => x.reduce((c, v) => c + (Math.abs(v) > t ? 1 : 0), 0) / n;
    expect(Math.abs(beyond(2) - 0.0455)).toBeLessThan(0.0015);
    expect(Math.abs(beyond(3.4426) - 5.76e-4)).toBeLessThan(1.6e-4);
    let m4 = 0;
    for (const v of x) m4 += v ** 4;
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.06);
    const positive = x.reduce((c, v) => c + (v > 0 ? 1 : 0), 0) / n;
    expect(Math.abs(positive - 0.5)).toBeLessThan(0.004);
  });

  it('draws uniforms in [0,1) with mean 1/2', () => {
    const r = Rng.fromSeed(5);
    let s = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
    }
    expect(Math.abs(s / 100_000 - 0.5)).toBeLessThan(0.01);
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => Rng.fromSeed(1.5)).toThrow(/safe integer/);
  });
});

/** Φ(x) via erfc (Numerical Recipes' erfcc, |error| < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r / 2 : r / 2;
}
