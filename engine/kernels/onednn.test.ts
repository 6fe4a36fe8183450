import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL, oneDnn } from './onednn';
import { sgdUpdateTransposed, sgdUpdateTransposedJs } from './inPlace';
import { Rng, useNativeNormals } from '../random';
import { CONV_CASES, convGradients, describeConvCase, matMulProducts, onBackend, relativeError, seededValues } from './testing';

// Built by `npm install` / `npm test` where oneDNN is installed (CI installs libdnnl-dev).
// Under CI=true a missing addon is a failure, not a skip (unless turned off with LRLAB_ONEDNN=0).
const { addon, reason } = oneDnn();
const required = process.env['CI'] === 'true' && process.env['LRLAB_ONEDNN'] !== '0';
if (!addon && !required) console.warn(`oneDNN kernel tests skipped: ${reason ?? ''}`);

describe.skipIf(!addon && !required)('oneDNN kernels on wasm', () => {
  it('are built and load (CI=true requires them)', () => {
    expect(addon, `the oneDNN addon is missing under CI=true: ${reason ?? ''}`).not.toBeNull();
  });

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

  it('draws exactly the Gaussians of Rng.fillNormal in JavaScript, and leaves the generator in the same state', () => {
    const n = 1 << 21; // ~25 000 draws take the ziggurat's rejection step, a few dozen its tail
    for (const seed of [1, 7]) {
      const js = Rng.forStream(seed, 'noise');
      const native = Rng.forStream(seed, 'noise');
      useNativeNormals(null);
      const expected = js.fillNormal(new Float32Array(n), 0.7, 0.3);
      useNativeNormals(addon!.fillNormal!.bind(addon));
      const got = native.fillNormal(new Float32Array(n), 0.7, 0.3);
      expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(native.getState()).toEqual(js.getState());
      // Short fills stay in JavaScript and continue the same stream.
      expect(Array.from(native.fillNormal(new Float32Array(5)))).toEqual(Array.from(js.fillNormal(new Float32Array(5))));
    }
  });

  it('updates u ← u − lr·(g + λu + ξ) with ξ given transposed exactly as the JavaScript loop does', () => {
    const [D, m] = [48, 80]; // not multiples of the native tile
    const rng = Rng.forStream(3, 'test');
    const u0 = rng.fillNormal(new Float32Array(D * m));
    const g = rng.fillNormal(new Float32Array(D * m));
    const xi = rng.fillNormal(new Float32Array(20 * m));
    for (const block of [null, { data: xi, r0: 0, rows: 20 }, { data: xi, r0: 28, rows: 20 }, { data: xi, r0: 40, rows: 8 }]) {
      const a = u0.slice();
      const b = u0.slice();
      sgdUpdateTransposedJs(a, g, 0.05, 1e-3, D, m, block);
      sgdUpdateTransposed(b, g, 0.05, 1e-3, D, m, block);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
      expect(Buffer.from(b.buffer).equals(Buffer.from(u0.buffer))).toBe(false);
    }
    expect(() => addon!.sgdUpdate!(u0.slice(), g, xi, 0.1, 0, 40, 20, D, m)).toThrow(/rows/);
  });
});
