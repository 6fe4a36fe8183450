import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Sgd } from './sgd';

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
});

/** PyTorch SGD (dampening 0) on plain numbers. */
function reference(theta: number, grads: readonly number[], lr: number, mu: number, wd: number, nesterov: boolean): number {
  let b = 0;
  let t = theta;
  grads.forEach((g0) => {
    const g = g0 + wd * t;
    b = mu * b + g;
    t -= lr * (nesterov ? g + mu * b : b);
  });
  return t;
}

describe('Sgd', () => {
  it.each([true, false])('matches PyTorch SGD with momentum and weight decay (nesterov %s)', (nesterov) => {
    const p = tf.variable(tf.tensor1d([1.5, -2]), true, `p_${String(nesterov)}`);
    const params = new Map([['p', p]]);
    const opt = new Sgd({ momentum: 0.9, nesterov, weightDecay: 5e-4 }, params);
    const gs = [
      [0.3, -0.1],
      [0.2, 0.5],
      [-0.4, 0.25],
    ];
    const n0 = tf.memory().numTensors;
    for (const g of gs) {
      const gt = tf.tensor1d(g);
      opt.step(params, new Map([['p', gt]]), 0.1);
      gt.dispose();
      expect(tf.memory().numTensors).toBe(n0);
    }
    const got = p.dataSync();
    expect(got[0]).toBeCloseTo(reference(1.5, gs.map((g) => g[0] ?? 0), 0.1, 0.9, 5e-4, nesterov), 5);
    expect(got[1]).toBeCloseTo(reference(-2, gs.map((g) => g[1] ?? 0), 0.1, 0.9, 5e-4, nesterov), 5);
    opt.dispose();
    p.dispose();
  });
});
