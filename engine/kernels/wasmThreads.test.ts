// Runs in its own process (vitest pool: forks), so this file's wasm backend is the threaded one.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { initWasmThreaded, verifyWorkerScript, writePrivateWorkerScript } from './wasmThreads';
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

describe('the worker script file', () => {
  it('is written into a fresh private folder (0700), never to a shared predictable name', () => {
    const parent = mkdtempSync(join(tmpdir(), 'lrlab-wt-'));
    const a = writePrivateWorkerScript('// one', parent);
    const b = writePrivateWorkerScript('// one', parent);
    expect(a).not.toBe(b); // a new folder each time: nothing planted beforehand is reused
    expect(dirname(a)).not.toBe(parent);
    expect(statSync(dirname(a)).mode & 0o777).toBe(0o700);
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(readFileSync(a, 'utf8')).toBe('// one');
  });

  it('is verified before use: a file swapped after writing is refused', () => {
    const a = writePrivateWorkerScript('// meant', mkdtempSync(join(tmpdir(), 'lrlab-wt-')));
    expect(() => verifyWorkerScript(a, '// meant')).not.toThrow();
    writeFileSync(a, 'process.exit(7) // planted');
    expect(() => verifyWorkerScript(a, '// meant')).toThrow(/not the one LR Lab wrote/);
  });
});
