import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './schemaForm';
import { settingLabel, titleOfPath } from './hparams';
import snapshot from './__fixtures__/runSpec.schema.json';

const root = snapshot as unknown as JsonSchema;

describe('spec path titles', () => {
  it('finds titles through union variants', () => {
    expect(titleOfPath(root, 'algorithm.eta1')).toBe('η1');
    expect(titleOfPath(root, 'model.width')).toBe('m');
    expect(titleOfPath(root, 'data.d')).toBe('d');
    expect(titleOfPath(root, 'nope.x')).toBeNull();
  });
});

describe('a run setting’s label', () => {
  it('comes from the variant the run is, and a variant-picking literal takes its object’s title', () => {
    const spec = { kind: 'synthetic', algorithm: { name: 'L-S', eta1: 0.1, anneal: { mode: 'iteration', at: 500 } } };
    expect(settingLabel(root, spec, 'algorithm.anneal.mode')).toBe('Anneal');
    expect(settingLabel(root, spec, 'algorithm.anneal.at')).toBe('Anneal at');
    expect(settingLabel(root, spec, 'algorithm.eta1')).toBe('η1');
    // The loss-threshold variant's fields are not this run's.
    expect(settingLabel(root, spec, 'algorithm.anneal.eps1')).toBeNull();
    expect(settingLabel(root, { ...spec, algorithm: { name: 'L-S', anneal: { mode: 'loss-threshold' } } }, 'algorithm.anneal.eps1')).toBe('ε1');
    expect(settingLabel(root, spec, 'nope.x')).toBeNull();
  });
});
