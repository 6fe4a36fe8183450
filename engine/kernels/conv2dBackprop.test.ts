import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { onBackend, relativeError, seededValues } from './testing';

type Pad = 'same' | 'valid';

interface Case {
  readonly x: [number, number, number, number];
  readonly k: [number, number];
  readonly cout: number;
  readonly stride: number | [number, number];
  readonly pad: Pad | number;
}

const CASES: Case[] = [
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
  { x: [2, 16, 16, 8], k: [3, 3], cout: 16, stride: 2, pad: 'same' },
];

function describeCase(c: Case): string {
  return `x ${c.x.join('×')}, k ${c.k.join('×')}, cout ${c.cout}, stride ${String(c.stride)}, pad ${c.pad}`;
}

async function gradients(backend: 'cpu' | 'wasm', c: Case): Promise<Float32Array[]> {
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

describe('conv2d gradient kernels on wasm', () => {
  it('are registered for wasm (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter)', async () => {
    await onBackend('wasm', () => tf.zeros([1]));
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'cpu')?.kernelFunc).toBeDefined();
  });

  for (const c of CASES) {
    it(`match cpu to 1e-4 relative: ${describeCase(c)}`, async () => {
      const ref = await gradients('cpu', c);
      const got = await gradients('wasm', c);
      for (let i = 0; i < ref.length; i++) {
        expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
      }
    });
  }
});
