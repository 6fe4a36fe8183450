/**
 * Per-layer convolution throughput on wasm (`npx tsx engine/bench/convGrad.bench.ts [threads]`):
 * forward Conv2D, the filter gradient and the input gradient (engine/kernels), for the
 * layer shapes of WRN-16-4 at batch 128, in GFLOP/s (2·multiply-adds / time). A table, no
 * assertions. With a thread count > 1 it uses the threaded wasm build.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { initWasmThreaded } from '../kernels';
import { Rng } from '../random';

const threads = Number(process.argv[2] ?? '1');
if (threads > 1) console.log(await initWasmThreaded(threads));
await initBackend({ force: 'wasm' });
const rng = Rng.fromSeed(1);
const layers: { name: string; x: [number, number, number, number]; k: number; cout: number; stride: number }[] = [
  { name: 'group1 3×3 64→64', x: [128, 32, 32, 64], k: 3, cout: 64, stride: 1 },
  { name: 'group2 3×3 64→128 s2', x: [128, 32, 32, 64], k: 3, cout: 128, stride: 2 },
  { name: 'group2 3×3 128→128', x: [128, 16, 16, 128], k: 3, cout: 128, stride: 1 },
  { name: 'group3 3×3 256→256', x: [128, 8, 8, 256], k: 3, cout: 256, stride: 1 },
  { name: 'shortcut 1×1 64→128 s2', x: [128, 32, 32, 64], k: 1, cout: 128, stride: 2 },
];
const REPS = 3;
function time(f: () => tf.Tensor): number {
  tf.tidy(() => void f().dataSync());
  const t = performance.now();
  for (let i = 0; i < REPS; i++) tf.tidy(() => void f().dataSync());
  return (performance.now() - t) / REPS;
}
console.log('layer                     | fwd ms | GFLOP/s | dW ms | GFLOP/s | dX ms | GFLOP/s');
for (const l of layers) {
  const [n, h, w, c] = l.x;
  const x = tf.tensor4d(rng.fillNormal(new Float32Array(n * h * w * c)), l.x);
  const f = tf.tensor4d(rng.fillNormal(new Float32Array(l.k * l.k * c * l.cout), 0.1), [l.k, l.k, c, l.cout]);
  const ho = Math.ceil(h / l.stride);
  const wo = Math.ceil(w / l.stride);
  const dy = tf.tensor4d(rng.fillNormal(new Float32Array(n * ho * wo * l.cout)), [n, ho, wo, l.cout]);
  const flops = 2 * n * ho * wo * l.k * l.k * c * l.cout;
  const fwd = time(() => tf.conv2d(x, f, l.stride, 'same'));
  const filterShape = [l.k, l.k, c, l.cout];
  const dw = time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [l.stride, l.stride], pad: 'same', dataFormat: 'NHWC', filterShape }) as tf.Tensor);
  const dx = time(() => tf.conv2dTranspose(dy, f, l.x, l.stride, 'same'));
  const g = (ms: number) => (flops / ms / 1e6).toFixed(1).padStart(7);
  console.log(`${l.name.padEnd(25)} | ${fwd.toFixed(0).padStart(6)} | ${g(fwd)} | ${dw.toFixed(0).padStart(5)} | ${g(dw)} | ${dx.toFixed(0).padStart(5)} | ${g(dx)}`);
  tf.dispose([x, f, dy]);
}
process.exit(0);
