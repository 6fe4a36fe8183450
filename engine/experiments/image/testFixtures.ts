/** Small image data and a 2-epoch spec that the image-run tests share (tests only). */
import type { ImageDataset } from '../../data';
import { Rng } from '../../random';
import { ImageSpecSchema, type ImageSpec } from './spec';

/** 8×8 grey images whose class shows as a bright row, so a tiny net can learn something. */
export function brightRowImages({ train = 96, test = 40, std = 0.3 }: { train?: number; test?: number; std?: number } = {}): ImageDataset {
  const make = (n: number, seed: number) => {
    const rng = Rng.fromSeed(seed);
    const labels = Uint8Array.from({ length: n }, () => rng.int(4));
    const pixels = new Uint8Array(n * 64);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < 64; p++) pixels[i * 64 + p] = rng.int(100);
      for (let c = 0; c < 8; c++) pixels[i * 64 + (labels[i] ?? 0) * 2 * 8 + c] = 250;
    }
    return { pixels, labels, count: n };
  };
  return { name: 'mnist', source: 'memory', height: 8, width: 8, channels: 1, classes: 4, train: make(train, 1), test: make(test, 2), mean: [0.3], std: [std] };
}

/** A 2-epoch width-2 small CNN with a 3×3 patch and stepped pre-activation noise: the backend-agreement runs. */
export function tinyImageSpec(backend: ImageSpec['backend']): ImageSpec {
  return ImageSpecSchema.parse({
    kind: 'image',
    seed: 2,
    backend,
    dataset: { name: 'mnist' },
    patch: { patchSize: 3, patchOnlyValCount: 12 },
    model: { arch: 'small-cnn', width: 2 },
    optim: { lr: 0.05, batchSize: 16 },
    noiseSchedule: { kind: 'step', std: 0.2, atEpoch: 5, factor: 0.1 },
    epochs: 2,
  });
}
