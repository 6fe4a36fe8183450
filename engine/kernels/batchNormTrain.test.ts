import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { batchNormTrain } from './batchNormTrain';
import { onBackend, relativeError, seededValues } from './testing';

/** Reference: moments + batchNorm, differentiated by tfjs autodiff. */
function autodiffBn(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number) {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return { y: tf.batchNorm(x, mean, variance, beta, gamma, eps), mean, variance };
}

type BnImpl = typeof autodiffBn;

function run(impl: BnImpl, shape: number[], scale = 3, offset = 1.5): tf.Tensor[] {
  const c = shape[shape.length - 1]!;
  // Offset and scale the input so the statistics matter.
  const x = tf.add(tf.mul(tf.tensor(seededValues(20, shape), shape), scale), offset);
  const gamma = tf.add(tf.tensor1d(seededValues(21, [c])), 1) as tf.Tensor1D;
  const beta = tf.tensor1d(seededValues(22, [c]));
  const g = tf.tensor(seededValues(23, shape), shape);
  const loss = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(tf.mul(tf.relu(impl(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-3).y), g));
  const grads = tf.grads(loss)([x, gamma, beta]);
  const fwd = impl(x, gamma, beta, 1e-3);
  return [fwd.y, fwd.mean, fwd.variance, ...grads];
}

describe('batchNormTrain (fused training-mode batch norm)', () => {
  for (const shape of [
    [4, 5, 5, 3],
    [8, 3, 7, 6],
    [2, 32, 32, 3],
    [16, 9],
  ]) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`matches autodiff of moments+batchNorm on ${backend} to 1e-4, shape ${shape.join('×')}`, async () => {
        const ref = await onBackend(backend, () => run(autodiffBn, shape));
        const got = await onBackend(backend, () => run(batchNormTrain, shape));
        for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
      });
    }
  }

  it('stays within 1e-4 of autodiff when the mean is 16 standard deviations from 0', async () => {
    const ref = await onBackend('wasm', () => run(autodiffBn, [8, 6, 6, 4], 0.5, 8));
    const got = await onBackend('wasm', () => run(batchNormTrain, [8, 6, 6, 4], 0.5, 8));
    for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
  });

  it('agrees across backends (wasm vs cpu)', async () => {
    const ref = await onBackend('cpu', () => run(batchNormTrain, [4, 6, 6, 5]));
    const got = await onBackend('wasm', () => run(batchNormTrain, [4, 6, 6, 5]));
    for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
  });

  it('leaks no tensor when used under a gradient and under tidy', async () => {
    // onBackend throws if the tensor count changes.
    await expect(onBackend('wasm', () => run(batchNormTrain, [2, 3, 3, 2]))).resolves.toHaveLength(6);
  });
});
