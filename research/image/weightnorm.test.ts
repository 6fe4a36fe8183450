/** The weight-norm diagnostic reads the right tensors out of a checkpoint (no training). */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../engine/experiments/image/checkpoint';
import { weightNorms } from './weightnorm';

describe('weightNorms', () => {
  it('returns the L2 norm of every parameter of rank ≥ 2, skipping biases, BN state and momentum', async () => {
    const v = (name: string, values: number[], shape: number[]) => tf.variable(tf.tensor(values, shape), true, `${name}_wn_test`);
    const param = new Map([
      ['conv1', v('conv1', [3, 4, 0, 0], [1, 1, 2, 2])],
      ['bn1.gamma', v('g', [5, 5], [2])],
      ['fc.w', v('fcw', [1, 2, 2, 4], [2, 2])],
      ['fc.b', v('fcb', [7, 7], [2])],
    ]);
    const state = new Map([['bn1.running_var', v('rv', [9, 9], [2])]]);
    const momentum = new Map([['conv1', v('m', [100, 100, 100, 100], [1, 1, 2, 2])]]);
    const rng = { s: [1, 2, 3, 4] } as never;
    const bytes = await encodeCheckpoint({ epoch: 1, step: 1, annealStep: null, schedule: {} as never, rng: { shuffle: rng, load: rng, noise: rng }, modelKey: 'k' }, { param, state, momentum });
    expect(weightNorms(bytes)).toEqual({ conv1: 5, 'fc.w': 5 });
  });
});
