/**
 * How the image trainer turns a spec and seed into training batches: the run's images
 * (subsets, fixed patched mask, z and ζ from the seed's streams), the epoch's shuffled order
 * and the minibatch slices. The training loop (run.ts) and the patch visualizer
 * (patchPreview.ts) both call these, so what the visualizer shows is what the network is fed.
 */
import { prepareRunImages } from '../../data';
import type { ImageDataset, RunImages } from '../../data';
import { Rng } from '../../random';
import type { ImageSpec } from './spec';

/** The run's data, drawn from its seed ('data' and 'patch' streams; engine/data/imageSets.ts). */
export function runImagesFor(spec: ImageSpec, ds: ImageDataset): RunImages {
  return prepareRunImages(ds, spec.seed, {
    patch: spec.patch.enabled ? spec.patch : null,
    trainSubset: spec.dataset.trainSubset,
    testSubset: spec.dataset.testSubset,
  });
}

/** Minibatches per epoch. A last batch of one image would make batch-norm statistics degenerate: it is dropped. */
export function stepsPerEpoch(trainCount: number, batchSize: number): number {
  return Math.floor(trainCount / batchSize) + (trainCount % batchSize > 1 ? 1 : 0);
}

/** The random streams the batches are drawn from, fresh at the start of a run. */
export function batchStreams(seed: number): { shuffle: Rng; load: Rng } {
  return { shuffle: Rng.forStream(seed, 'shuffle'), load: Rng.forStream(seed, 'load') };
}

/** Reshuffles `order` (all training indices) for a new epoch. */
export function shuffleEpoch(order: Uint32Array, shuffleRng: Rng): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  shuffleRng.shuffle(order);
}

/** Training indices of minibatch `s` (0-based within the epoch). */
export function batchIndices(order: Uint32Array, s: number, batchSize: number): Uint32Array {
  return order.subarray(s * batchSize, Math.min(order.length, (s + 1) * batchSize));
}
