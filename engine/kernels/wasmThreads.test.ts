// Runs in its own process (vitest pool: forks), so this file's wasm backend is the threaded one.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { initWasmThreaded } from './wasmThreads';
import { onBackend, relativeError, seededValues } from './testing';

function work(): tf.Tensor[] {
  const x = tf.tensor4d(seededValues(30, [4, 12, 12, 8]), [4, 12, 12, 8]);
  const w = tf.tensor4d(seededValues(31, [3, 3, 8, 16]), [3, 3, 8, 16]);
  const f = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 2, 'same')));
  const a = tf.tensor2d(seededValues(32, [96, 200]), [96, 200]);
  const b = tf.tensor2d(seededValues(33, [200, 64]), [200, 64]);
  const at = tf.tensor2d(seededValues(34, [200, 96]), [200, 96]);
  return [...tf.grads(f)([x, w]), tf.matMul(a, b), tf.matMul(at, b, true, false)];
}

describe('initWasmThreaded', () => {
  it('starts the threaded wasm build with 2 threads, and it computes what cpu computes', async () => {
    const result = await initWasmThreaded(2);
    expect(result).toEqual({ threads: 2, reason: null });
    const report = await initBackend({ force: 'wasm' });
    expect(report.tfjsBackend).toBe('wasm');
    const got = await onBackend('wasm', work);
    const ref = await onBackend('cpu', work);
    for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
    // A second call does not re-initialize: it reports the running pool.
    expect(await initWasmThreaded(2)).toEqual({ threads: 2, reason: 'the wasm backend was already initialized' });
  });
});
