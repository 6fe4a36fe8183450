import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL, oneDnn } from './onednn';
import { CONV_CASES, convGradients, describeConvCase, matMulProducts, onBackend, relativeError, seededValues } from './testing';

// Built by `npm install` / `npm test` where oneDNN is installed (CI installs libdnnl-dev).
const { addon, reason } = oneDnn();
if (!addon) console.warn(`oneDNN kernel tests skipped: ${reason ?? ''}`);

describe.skipIf(!addon)('oneDNN kernels on wasm', () => {
  it('are what the wasm backend runs, and the report says so', async () => {
    const report = await initBackend({ force: 'wasm' });
    expect(report.summary).toMatch(/oneDNN \d+\.\d+/);
    // batchNormTrain.test.ts checks these against autodiff on wasm (they run there when built).
    expect(tf.getKernel(BN_TRAIN_KERNEL, 'wasm')).toBeDefined();
    expect(tf.getKernel(BN_TRAIN_GRAD_KERNEL, 'wasm')).toBeDefined();
  });

  for (const c of CONV_CASES) {
    it(`conv2d, its input and filter gradients match cpu to 1e-4 relative: ${describeConvCase(c)}`, async () => {
      const ref = await convGradients('cpu', c);
      const got = await convGradients('wasm', c);
      for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
    });
  }

  for (const [m, k, n] of [
    [5, 7, 3],
    [33, 17, 65],
    [128, 64, 96],
  ] as const) {
    it(`matMul matches cpu to 1e-4 relative for ${m}×${k}·${k}×${n}: transposes, fused, batched, gradient`, async () => {
      const ref = await matMulProducts('cpu', m, k, n);
      const got = await matMulProducts('wasm', m, k, n);
      expect(got.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
    });
  }

  it('hands what it does not cover (dilations, broadcast batches) to the kernel it replaced', async () => {
    const work = (): tf.Tensor[] => {
      const x = tf.tensor4d(seededValues(40, [2, 9, 9, 3]), [2, 9, 9, 3]);
      const w = tf.tensor4d(seededValues(41, [3, 3, 3, 4]), [3, 3, 3, 4]);
      const a = tf.tensor3d(seededValues(42, [2, 5, 6]), [2, 5, 6]);
      const b = tf.tensor3d(seededValues(43, [1, 6, 4]), [1, 6, 4]);
      return [tf.conv2d(x, w, 1, 'same', 'NHWC', 2), tf.matMul(a, b)];
    };
    const ref = await onBackend('cpu', work);
    const got = await onBackend('wasm', work);
    for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
  });
});
