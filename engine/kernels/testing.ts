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
