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

  it('restores exactly from a saved state, including the cached Gaussian', () => {
    const r = Rng.fromSeed(3);
    r.normal(); // leaves a spare
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
