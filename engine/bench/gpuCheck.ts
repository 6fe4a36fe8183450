/**
 * The GPU check's training run (bin/gpu-check.sh runs it from the pack `npm run gpu:pack`
 * builds): the webgpu backend's adapter, then one epoch of the paper's patch-CIFAR run
 * (preset patch-cifar-small-lr: WRN-16-10, batch 128, patch augmentation) on synthetic
 * CIFAR-shaped images (random pixels with a class-dependent bright row; no dataset to ship),
 * with its wall time per step and its metrics. Prints one JSON line at the end.
 *
 * Flags: --train N (training images, default 2560 = 20 steps), --test N (default 512),
 * --model wrn-16-10 | wrn-16-4 | small-cnn, --backend NAME (default webgpu), --deadline S
 * (stop the run after S seconds, reporting what it reached; the check's time budget).
 */
import { initBackend, shutdownWebgpu } from '../backend';
import type { BackendName } from '../backend';
import type { ImageDataset } from '../data';
import { runImageExperiment } from '../experiments/image/run';
import { ImageSpecSchema } from '../experiments/image/spec';
import type { MetricRecord } from '../experiments/types';
import { presetSpec } from '../presets';
import { Rng } from '../random';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};

/** CIFAR-shaped 32×32×3 images: noise plus a bright row whose position is the class. */
function syntheticCifar(train: number, test: number): ImageDataset {
  const make = (n: number, seed: number) => {
    const rng = Rng.fromSeed(seed);
    const labels = Uint8Array.from({ length: n }, () => rng.int(10));
    const pixels = new Uint8Array(n * 32 * 32 * 3);
    for (let i = 0; i < n; i++) {
      const base = i * 3072;
      for (let p = 0; p < 3072; p++) pixels[base + p] = rng.int(160);
      const row = 3 * (labels[i] ?? 0);
      for (let c = 0; c < 32 * 3; c++) pixels[base + row * 96 + c] = 250;
    }
    return { pixels, labels, count: n };
  };
  return { name: 'cifar10', source: 'memory', height: 32, width: 32, channels: 3, classes: 10, train: make(train, 1), test: make(test, 2), mean: [0.35, 0.35, 0.35], std: [0.25, 0.25, 0.25] };
}

const MODELS: Record<string, Record<string, unknown>> = {
  'wrn-16-10': { arch: 'wrn', depth: 16, widen: 10 },
  'wrn-16-4': { arch: 'wrn', depth: 16, widen: 4 },
  'small-cnn': { arch: 'small-cnn', width: 32 },
};

async function main(): Promise<void> {
  const train = Number(option('train', '2560'));
  const test = Number(option('test', '512'));
  const modelName = option('model', 'wrn-16-10');
  const backendName = option('backend', 'webgpu') as BackendName;
  const deadline = Number(option('deadline', '0'));
  const model = MODELS[modelName];
  if (!model) throw new Error(`--model must be one of ${Object.keys(MODELS).join(', ')}`);
  const backend = await initBackend({ force: backendName });
  console.log(`backend: ${backend.summary}`);
  if (backend.adapter) console.log(`adapter: ${JSON.stringify(backend.adapter)}`);
  const base = presetSpec('patch-cifar-small-lr', 1) as Record<string, unknown>;
  const patch = { ...(base['patch'] as Record<string, unknown>), patchOnlyValCount: Math.min(200, Math.floor(test / 2)) };
  const spec = ImageSpecSchema.parse({ ...base, backend: backendName, model, patch, epochs: 1, logging: { everyIterations: 5, evalBatchSize: 256 } });
  const records: MetricRecord[] = [];
  let steps = 0;
  const t0 = performance.now();
  let firstStepAt: number | null = null;
  const r = await runImageExperiment(
    spec,
    {
      onMetrics: (m) => {
        records.push(m);
        console.log(`step ${m.step}: ${Object.entries(m.values).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}`);
      },
      onProgress: (p) => {
        steps = p.step;
        if (p.step === 1) firstStepAt = performance.now();
      },
      shouldStop: () => deadline > 0 && performance.now() - t0 > deadline * 1000,
    },
    { dataset: syntheticCifar(train, test) },
  );
  const wall = (performance.now() - t0) / 1000;
  // Steps after the first (which compiles the shaders), evaluation included.
  const after = firstStepAt === null ? null : (performance.now() - firstStepAt) / 1000 / Math.max(1, steps - 1);
  console.log(
    JSON.stringify({
      check: 'patch-run',
      model: modelName,
      backend: backend.name,
      adapter: backend.adapter?.description ?? null,
      status: r.status,
      steps: r.steps,
      wallS: Number(wall.toFixed(2)),
      sPerStepAfterFirst: after === null ? null : Number(after.toFixed(4)),
      final: r.final,
    }),
  );
  shutdownWebgpu();
}

await main();
process.exit(0);
