/**
 * Per-kernel profile of one step of a benchmark workload (`npx tsx engine/bench/profile.ts
 * wrn-16-4`): where the time goes, summed by kernel name, largest first. tf.profile times
 * each kernel on its own, so the total is a little above an unprofiled step.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { convWorkload, twoLayerWorkload } from './benchModels';
import type { Workload } from './benchModels';

const name = process.argv[2] ?? 'wrn-16-4';
const backendName = process.argv[3] === 'cpu' ? 'cpu' : 'wasm';

function make(): Workload {
  switch (name) {
    case 'two-layer-256':
      return twoLayerWorkload({ impl: 'engine', inputDim: 512, width: 4096, batch: 512, noiseStd: 0.01, normals: 'fast', seed: 1 });
    case 'two-layer-1024':
      return twoLayerWorkload({ impl: 'engine', inputDim: 2048, width: 8192, batch: 256, noiseStd: 0.01, normals: 'fast', seed: 1 });
    case 'small-cnn':
      return convWorkload({ model: { arch: 'small-cnn', width: 32 }, inputShape: [28, 28, 1], batch: 128, classes: 10, noiseStd: 0, bn: 'fused', normals: 'fast', seed: 1 });
    default:
      return convWorkload({ model: { arch: 'wrn', depth: 16, widen: 4 }, inputShape: [32, 32, 3], batch: 128, classes: 10, noiseStd: 0.1, bn: 'fused', normals: 'fast', seed: 1 });
  }
}

await initBackend({ force: backendName });
const w = make();
await w.step();
const t0 = performance.now();
const info = await tf.profile(async () => {
  await w.step();
});
const wall = performance.now() - t0;
const byKernel = new Map<string, { ms: number; calls: number }>();
let total = 0;
for (const k of info.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += ms;
  e.calls += 1;
  byKernel.set(k.name, e);
  total += ms;
}
console.log(`${name} on ${backendName}: profiled step ${wall.toFixed(0)} ms wall, kernels ${total.toFixed(0)} ms, peak ${(info.peakBytes / 1e6).toFixed(0)} MB`);
console.log('kernel                        calls      ms     share');
for (const [k, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${k.padEnd(28)} ${String(e.calls).padStart(6)} ${e.ms.toFixed(0).padStart(7)} ${((100 * e.ms) / total).toFixed(1).padStart(8)}%`);
}
w.dispose();
