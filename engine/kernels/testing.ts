/** Test helpers: run the same computation on two backends and compare to a relative tolerance. */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import type { BackendName } from '../backend';
import { Rng } from '../random';

/** Runs `fn` on `backend` and returns its outputs as plain arrays (no tensor escapes). */
export async function onBackend(backend: BackendName, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend({ force: backend });
  const before = tf.memory().numTensors;
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const data = await Promise.all(list.map(async (t) => new Float32Array(await t.data())));
  tf.dispose(list);
  if (tf.memory().numTensors !== before) throw new Error(`leaked ${tf.memory().numTensors - before} tensors on ${backend}`);
  return data;
}

/** Largest |a − b| divided by the largest |b| (scale-relative error; 0 when both are zero). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i] ?? 0;
    const bi = b[i] ?? 0;
    if (!Number.isFinite(ai) || !Number.isFinite(bi)) return Infinity;
    diff = Math.max(diff, Math.abs(ai - bi));
    scale = Math.max(scale, Math.abs(bi));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Seeded N(0,1) values of a shape, as a plain array (create the tensor on each backend). */
export function seededValues(seed: number, shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Rng.forStream(seed, 'kernel-test').fillNormal(new Float32Array(n));
}

// ---------------------------------------------------------------------------------------
// Shared cases: the XNNPACK replacements and the oneDNN kernels are checked on the same ones.

type Pad = 'same' | 'valid';

export interface ConvCase {
  readonly x: [number, number, number, number];
  readonly k: [number, number];
  readonly cout: number;
  readonly stride: number | [number, number];
  readonly pad: Pad | number;
}

export const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 7, 3], k: [3, 3], cout: 4, stride: 1, pad: 'same' },
  { x: [2, 7, 7, 3], k: [3, 3], cout: 4, stride: 2, pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], cout: 5, stride: 2, pad: 'same' },
  { x: [2, 9, 6, 2], k: [3, 3], cout: 3, stride: 1, pad: 'valid' },
  { x: [3, 9, 8, 2], k: [3, 3], cout: 3, stride: 2, pad: 'valid' },
  { x: [2, 8, 8, 4], k: [1, 1], cout: 6, stride: 2, pad: 'same' },
  { x: [2, 7, 9, 4], k: [1, 1], cout: 6, stride: 2, pad: 'valid' },
  { x: [1, 11, 10, 3], k: [5, 3], cout: 2, stride: 3, pad: 'same' },
  { x: [1, 11, 10, 3], k: [2, 4], cout: 2, stride: 2, pad: 'valid' },
  { x: [2, 9, 10, 3], k: [3, 3], cout: 4, stride: [1, 2], pad: 'same' },
  { x: [2, 10, 9, 3], k: [3, 3], cout: 4, stride: [2, 1], pad: 'valid' },
  { x: [2, 9, 9, 2], k: [3, 3], cout: 3, stride: 2, pad: 1 },
  // The models' own convs (engine/models/layers.ts): symmetric pad 1 for 3×3 at stride 1 and 2
  // on even inputs (the last padded row/col is never read), pad 0 for the 1×1 shortcut.
  { x: [2, 8, 8, 3], k: [3, 3], cout: 5, stride: 2, pad: 1 },
  { x: [2, 8, 8, 3], k: [3, 3], cout: 5, stride: 1, pad: 1 },
  { x: [2, 14, 14, 8], k: [3, 3], cout: 16, stride: 2, pad: 1 },
  { x: [2, 8, 8, 4], k: [1, 1], cout: 6, stride: 2, pad: 0 },
  { x: [2, 16, 16, 8], k: [3, 3], cout: 16, stride: 2, pad: 'same' },
  // Channel counts for which oneDNN picks blocked layouts (8-channel blocks, padded when not a multiple).
  { x: [2, 10, 10, 16], k: [3, 3], cout: 32, stride: 1, pad: 'same' },
  { x: [3, 9, 9, 12], k: [3, 3], cout: 20, stride: 2, pad: 'same' },
  { x: [4, 12, 12, 1], k: [3, 3], cout: 8, stride: 1, pad: 'same' },
];

export function describeConvCase(c: ConvCase): string {
  return `x ${c.x.join('×')}, k ${c.k.join('×')}, cout ${c.cout}, stride ${String(c.stride)}, pad ${c.pad}`;
}

/** y, dx, dw through the kernels and through autodiff, on one backend. */
export async function convGradients(backend: 'cpu' | 'wasm', c: ConvCase): Promise<Float32Array[]> {
  const wShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.cout];
  const xv = seededValues(1, c.x);
  const wv = seededValues(2, wShape);
  return onBackend(backend, () => {
    const x = tf.tensor4d(xv, c.x);
    const w = tf.tensor4d(wv, wShape);
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const dy = tf.tensor(seededValues(3, y.shape), y.shape) as tf.Tensor4D;
    // The kernels themselves, then through autodiff (which calls the same kernels).
    const dx = tf.conv2dTranspose(dy, w, c.x, c.stride, c.pad);
    const dw = tf.tidy(() => {
      const f = (ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, c.stride, c.pad), dy));
      return tf.grad(f)(w);
    });
    const f = (xx: tf.Tensor, ww: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.stride, c.pad), dy));
    const [gx, gw] = tf.grads(f)([x, w]);
    return [y, dx, dw, gx!, gw!];
  });
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

/** Products with every transpose flag, fused, batched and as a gradient, on one backend. */
export async function matMulProducts(backend: 'cpu' | 'wasm', m: number, k: number, n: number): Promise<Float32Array[]> {
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
