import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { onBackend, relativeError, seededValues } from './testing';

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

async function products(backend: 'cpu' | 'wasm', m: number, k: number, n: number): Promise<Float32Array[]> {
  return onBackend(backend, () => {
    const outs: tf.Tensor[] = [];
    for (const [ta, tb] of FLAGS) {
      const aShape = ta ? [k, m] : [m, k];
      const bShape = tb ? [n, k] : [k, n];
      const a = tf.tensor2d(seededValues(10, aShape), aShape as [number, number]);
      const b = tf.tensor2d(seededValues(11, bShape), bShape as [number, number]);
      outs.push(tf.matMul(a, b, ta, tb));
      // Fused form (bias + relu), which layers and dense models use.
      const bias = tf.tensor1d(seededValues(12, [n]));
      outs.push(tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: 'relu' }));
    }
    // Rank-3 with a batch of 1 goes through the same path; a batch of 2 keeps the original.
    const a3 = tf.tensor3d(seededValues(13, [1, k, m]), [1, k, m]);
    const b3 = tf.tensor3d(seededValues(14, [1, n, k]), [1, n, k]);
    outs.push(tf.matMul(a3, b3, true, true));
    const a4 = tf.tensor3d(seededValues(15, [2, k, m]), [2, k, m]);
    const b4 = tf.tensor3d(seededValues(16, [2, k, n]), [2, k, n]);
    outs.push(tf.matMul(a4, b4, true, false));
    // Gradient of a two-layer net's first layer (what autodiff asks for).
    const x = tf.tensor2d(seededValues(17, [m, k]), [m, k]);
    const w = tf.tensor2d(seededValues(18, [n, k]), [n, k]);
    outs.push(tf.grad((ww: tf.Tensor) => tf.sum(tf.relu(tf.matMul(x, ww as tf.Tensor2D, false, true))))(w));
    return outs;
  });
}

describe('BatchMatMul with transposed operands on wasm', () => {
  for (const [m, k, n] of [
    [5, 7, 3],
    [33, 17, 65],
    [128, 64, 96],
  ] as const) {
    it(`matches cpu to 1e-4 relative for ${m}×${k}·${k}×${n}, every transpose flag`, async () => {
      const ref = await products('cpu', m, k, n);
      const got = await products('wasm', m, k, n);
      expect(got.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
    });
  }
});
