import { describe, expect, it } from 'vitest';
import { presetSpec } from '.';
import { syntheticPresets } from './synthetic';

/** A preset's spec without what its condition varies (algorithm) and its name. */
function setting(name: string): unknown {
  const s = presetSpec(name, 1);
  const { algorithm: _a, name: _n, ...others } = s as typeof s & { algorithm: unknown };
  return others;
}

describe('synthetic presets', () => {
  it('are two toy comparisons, L-S, S and S+noise each: the paper scalings and r = 1', () => {
    expect(syntheticPresets.map((p) => [p.name, p.group, p.comparison, p.condition])).toEqual([
      ['toy-ls', 'synthetic', 'toy', 'large-lr'],
      ['toy-s', 'synthetic', 'toy', 'small-lr'],
      ['toy-noise', 'synthetic', 'toy', 'small-lr-noise'],
      ['toy-ls-r1', 'synthetic', 'toy-r1', 'large-lr'],
      ['toy-s-r1', 'synthetic', 'toy-r1', 'small-lr'],
      ['toy-noise-r1', 'synthetic', 'toy-r1', 'small-lr-noise'],
    ]);
  });

  it('validate and share everything except the algorithm within a comparison', () => {
    for (const group of [
      ['toy-ls', 'toy-s', 'toy-noise'],
      ['toy-ls-r1', 'toy-s-r1', 'toy-noise-r1'],
    ]) {
      const [first, ...rest] = group.map(setting);
      for (const r of rest) expect(r).toEqual(first);
      expect(group.map((n) => presetSpec(n, 1)).map((s) => (s.kind === 'synthetic' ? s.algorithm.name : null))).toEqual(['L-S', 'S', 'S+noise']);
    }
  });

  it('keep the paper scalings in toy-*, and differ from them only in r = 1 in toy-*-r1 (research/synthetic/NOISE_DELAY.md)', () => {
    const toy = presetSpec('toy-noise', 1);
    const r1 = presetSpec('toy-noise-r1', 1);
    if (toy.kind !== 'synthetic' || r1.kind !== 'synthetic') throw new Error('synthetic presets expected');
    // toy-*: r left to the paper's default d^-3/4, 6 000 iterations, App. E.1's shared τ 0.1 noise annealed at 3 000.
    expect(toy.data.r).toBeUndefined();
    expect(toy.stopping.maxIterations).toBe(6000);
    expect(toy.algorithm).toEqual({ name: 'S+noise', eta2: 0.02, noiseTau0: 0.1, noiseDraw: 'shared', annealAt: 3000, eps2: 0.01 });
    // toy-*-r1: the calibrated setting is toy-* with data.r = 1 and nothing else changed.
    for (const [a, b] of [
      ['toy-ls', 'toy-ls-r1'],
      ['toy-s', 'toy-s-r1'],
      ['toy-noise', 'toy-noise-r1'],
    ] as const) {
      const x = presetSpec(a, 1);
      const y = presetSpec(b, 1);
      if (x.kind !== 'synthetic' || y.kind !== 'synthetic') throw new Error('synthetic presets expected');
      expect(y.data.r).toBe(1);
      expect({ ...y, name: x.name, data: { ...y.data, r: undefined } }).toEqual(x);
    }
  });
});
