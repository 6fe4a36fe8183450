import { describe, expect, it } from 'vitest';
import { lttbIndices, minmaxIndices } from './downsample';

function series(n: number, f: (i: number) => number): { steps: number[]; values: number[] } {
  const steps = Array.from({ length: n }, (_, i) => i * 3);
  return { steps, values: steps.map((_, i) => f(i)) };
}

const noisy = (i: number): number => Math.sin(i / 50) + 0.01 * Math.cos(i * 7.3);

describe('downsampling', () => {
  for (const method of ['lttb', 'minmax'] as const) {
    const run = (s: { steps: number[]; values: number[] }, m: number): number[] =>
      method === 'lttb' ? lttbIndices(s.steps, s.values, m) : minmaxIndices(s.values, m);

    it(`${method}: keeps everything when under the budget`, () => {
      const s = series(50, noisy);
      expect(run(s, 100)).toEqual(s.steps.map((_, i) => i));
    });

    it(`${method}: returns at most maxPoints ascending indices with both ends`, () => {
      const s = series(10_000, noisy);
      const idx = run(s, 500);
      expect(idx.length).toBeLessThanOrEqual(500);
      expect(idx.length).toBeGreaterThan(400);
      expect(idx[0]).toBe(0);
      expect(idx[idx.length - 1]).toBe(9999);
      for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1] as number);
    });

    it(`${method}: a one-point spike survives`, () => {
      const s = series(20_000, noisy);
      s.values[12_345] = 50;
      s.values[777] = -40;
      const idx = run(s, 200);
      expect(idx).toContain(12_345);
      expect(idx).toContain(777);
    });

    it(`${method}: NaN gaps and infinities survive`, () => {
      const s = series(20_000, noisy);
      for (let i = 5000; i < 5100; i++) s.values[i] = NaN;
      s.values[9000] = NaN;
      s.values[15_000] = Infinity;
      const idx = run(s, 300);
      const kept = idx.map((i) => s.values[i] as number);
      expect(idx).toContain(5000);
      expect(idx).toContain(5099);
      expect(idx).toContain(9000);
      expect(idx).toContain(15_000);
      expect(kept.filter((v) => Number.isNaN(v)).length).toBe(3);
    });

    it(`${method}: stays within budget when NaN alternates with numbers`, () => {
      const s = series(10_000, (i) => (i % 2 ? NaN : noisy(i)));
      const idx = run(s, 200);
      expect(idx.length).toBeLessThanOrEqual(200);
      expect(idx.some((i) => Number.isNaN(s.values[i]))).toBe(true);
    });
  }
});
