/**
 * Measures the peak tensor bytes of one training step (tf.profile) for small settings and
 * prints them beside the model's sizes, to fit the coefficients in estimate.ts:
 *   npx tsx engine/memory/calibrate.ts
 * Uses engine/models' trainStep (what a run executes) when it is importable, else the
 * benchmark's own step.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { Rng } from '../random';
import { modelSizes } from './activations';
import type { ModelDescription } from './activations';
import { convWorkload, twoLayerWorkload } from '../bench/benchModels';

await initBackend({ force: 'wasm' });
const cases: { model: ModelDescription; shape: [number, number, number]; batch: number }[] = [
  { model: { arch: 'wrn', depth: 16, widen: 1 }, shape: [32, 32, 3], batch: 16 },
  { model: { arch: 'wrn', depth: 16, widen: 2 }, shape: [32, 32, 3], batch: 16 },

  { model: { arch: 'wrn', depth: 16, widen: 4 }, shape: [32, 32, 3], batch: 16 },
  { model: { arch: 'small-cnn', width: 16 }, shape: [28, 28, 1], batch: 64 },
  { model: { arch: 'small-cnn', width: 32 }, shape: [28, 28, 1], batch: 128 },
  { model: { arch: 'two-layer', inputDim: 512, width: 4096 }, shape: [1, 1, 1], batch: 512 },
  { model: { arch: 'two-layer', inputDim: 256, width: 1024 }, shape: [1, 1, 1], batch: 256 },
];
const models = await import('../models').catch(() => null);
const optim = await import('../optim').catch(() => null);
/** Bytes the workload itself holds between steps (weights, optimizer state, data). */
function resting(before: number): number {
  return tf.memory().numBytes - before;
}
console.log('model | batch | params | acts/ex | peak bench (fused BN) | peak engine/models');
for (const c of cases) {
  const s = modelSizes(c.model, c.shape);
  let bench = 0;
  let eng: number | null = null;
  if (c.model.arch === 'two-layer') {
    const w0 = tf.memory().numBytes;
    const w = twoLayerWorkload({ impl: 'engine', inputDim: c.model.inputDim, width: c.model.width, batch: c.batch, noiseStd: 0.01, normals: 'fast', seed: 1 });
    await w.step();
    bench = (await tf.profile(async () => void (await w.step()))).peakBytes - tf.memory().numBytes + resting(w0);
    w.dispose();
  } else {
    const w0 = tf.memory().numBytes;
    const w = convWorkload({ model: c.model, inputShape: c.shape, batch: c.batch, classes: 10, noiseStd: 0.1, bn: 'fused', normals: 'fast', seed: 1 });
    await w.step();
    bench = (await tf.profile(async () => void (await w.step()))).peakBytes - tf.memory().numBytes + resting(w0);
    w.dispose();
    if (models && optim) {
      const before = tf.memory().numBytes;
      const m = models.buildModel(c.model, { inputShape: c.shape, classes: 10, rng: Rng.forStream(1, 'init') });
      const opt = new optim.Sgd({ momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, m.params);
      const x = new Float32Array(c.batch * c.shape[0] * c.shape[1] * c.shape[2]);
      const labels = new Int32Array(c.batch);
      const noise = { std: 0.1, rng: Rng.forStream(1, 'noise') };
      const step = () => models.trainStep(m, opt, { x, labels, batch: c.batch }, 0.01, noise, c.shape, 10);
      const e0 = before;
      await step();
      eng = (await tf.profile(async () => void (await step()))).peakBytes - tf.memory().numBytes + resting(e0);
      m.dispose();
      opt.dispose();
    }
  }
  console.log(`${JSON.stringify(c.model)} | ${c.batch} | ${s.params} | ${s.activationsPerExample} | ${bench} | ${eng ?? '—'}`);
}
// The threaded wasm build keeps worker threads alive; a one-shot script exits by itself.
process.exit(0);
