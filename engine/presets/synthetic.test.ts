import { describe, expect, it } from 'vitest';
import { presetSpec } from '.';
import { syntheticPresets } from './synthetic';

describe('synthetic presets', () => {
  it('are the toy comparison: L-S, S and S+noise', () => {
    expect(syntheticPresets.map((p) => [p.name, p.group, p.comparison, p.condition])).toEqual([
      ['toy-ls', 'synthetic', 'toy', 'large-lr'],
      ['toy-s', 'synthetic', 'toy', 'small-lr'],
      ['toy-noise', 'synthetic', 'toy', 'small-lr-noise'],
    ]);
  });

  it('validate and share everything except the algorithm', () => {
    const specs = syntheticPresets.map((p) => presetSpec(p.name, 1));
    const rest = specs.map((s) => {
      const { algorithm: _a, name: _n, ...others } = s as typeof s & { algorithm: unknown };
      return others;
    });
    expect(rest[1]).toEqual(rest[0]);
    expect(rest[2]).toEqual(rest[0]);
    expect(specs.map((s) => (s.kind === 'synthetic' ? s.algorithm.name : null))).toEqual(['L-S', 'S', 'S+noise']);
  });
});
