import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './schemaForm';
import { keyHparams, titleOfPath } from './hparams';
import snapshot from './__fixtures__/runSpec.schema.json';

const root = snapshot as unknown as JsonSchema;

describe('key hyperparameters', () => {
  it('finds titles through union variants', () => {
    expect(titleOfPath(root, 'algorithm.eta1')).toBe('η1');
    expect(titleOfPath(root, 'model.width')).toBe('m');
    expect(titleOfPath(root, 'data.d')).toBe('d');
    expect(titleOfPath(root, 'nope.x')).toBeNull();
  });

  it('keeps rates, sizes and noise, in that order, and drops bookkeeping', () => {
    const h = {
      'data.d': 16,
      'data.testSize': 200,
      'model.width': 16,
      'model.variant': 'two-layer',
      'algorithm.name': 'L-S',
      'algorithm.eta1': 0.5,
      'algorithm.eta2': 0.02,
      'algorithm.anneal.mode': 'iteration',
      'gradientNoise.tauXi': 0.02,
      'logging.every': 20,
      'init.tau0': 'stationary',
      'objective.lambda': null,
    };
    const k = keyHparams(h, (p) => titleOfPath(root, p));
    expect(k.map((e) => `${e.label}=${String(e.value)}`)).toEqual(['η1=0.5', 'η2=0.02', 'd=16', 'm=16', 'τ_ξ=0.02', 'τ0=stationary']);
  });
});
