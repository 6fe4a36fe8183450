/**
 * Turns a cached dataset into the run's training batches and its three validation sets
 * (docs/paper.md §2.2): clean test set; patch-only set (uniform labels, zero background); augmented
 * test set (test images through the same fixed patching). Everything is normalized and,
 * where patched, patched in normalized space. Validation draws are fixed at the start, so
 * every epoch is evaluated on the same images.
 */
import { Rng } from '../random';
import { normalizer } from './normalize';
import type { Normalizer } from './normalize';
import { applyPatch, choosePatched, drawLoad, drawPatches } from './patch';
import type { ImageGeometry, LoadDraw, LoadKind, Patches, PatchParams } from './patch';
import type { ImageDataset, ImageSplit } from './types';

/** A fixed set of images, materialized batch by batch into a caller's buffer. */
export interface ImageSet {
  readonly count: number;
  readonly labels: Uint8Array;
  /** Writes images start..start+n−1 (normalized, HWC) into `out` from offset 0. */
  fill(start: number, n: number, out: Float32Array): void;
}

/** A random subset of `count` of `n` indices, in increasing order (all of them when count ≥ n). */
export function subsetIndices(n: number, count: number | undefined, rng: Rng): Uint32Array {
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  if (count === undefined || count >= n) return all;
  rng.shuffle(all);
  return all.slice(0, count).sort();
}

function pickSplit(split: ImageSplit, idx: Uint32Array): ImageSplit {
  if (idx.length === split.count) return split;
  const per = split.pixels.length / split.count;
  const pixels = new Uint8Array(idx.length * per);
  const labels = new Uint8Array(idx.length);
  idx.forEach((j, i) => {
    pixels.set(split.pixels.subarray(j * per, (j + 1) * per), i * per);
    labels[i] = split.labels[j] ?? 0;
  });
  return { pixels, labels, count: idx.length };
}

export interface PatchSetup {
  readonly params: PatchParams;
  readonly patches: Patches;
  /** Which training images are patched. */
  readonly trainMask: Uint8Array;
}

export interface RunImages {
  readonly geometry: ImageGeometry;
  readonly pixelsPerImage: number;
  readonly train: ImageSplit;
  readonly patch: PatchSetup | null;
  readonly validation: { readonly clean: ImageSet; readonly patchOnly: ImageSet | null; readonly augmented: ImageSet | null };
  readonly norm: Normalizer;
}

export interface RunImagesOptions {
  readonly patch: (PatchParams & { readonly enabled: boolean; readonly patchOnlyValCount: number }) | null;
  readonly trainSubset?: number;
  readonly testSubset?: number;
}

/**
 * Prepares a run's data from its seed: the 'patch' stream draws z and ζ (as the patch
 * visualizer's data-less preview does, engine/experiments/image/patchPreview.ts), the 'data'
 * stream draws subsets, the patched mask and the
 * validation sets' draws.
 */
export function prepareRunImages(ds: ImageDataset, seed: number, options: RunImagesOptions): RunImages {
  const geometry: ImageGeometry = { height: ds.height, width: ds.width, channels: ds.channels, classes: ds.classes };
  const norm = normalizer(ds);
  const dataRng = Rng.forStream(seed, 'data');
  const train = pickSplit(ds.train, subsetIndices(ds.train.count, options.trainSubset, dataRng));
  const test = pickSplit(ds.test, subsetIndices(ds.test.count, options.testSubset, dataRng));
  const clean = splitSet(test, norm, null, 0);
  const pp = options.patch;
  if (!pp || !pp.enabled) return { geometry, pixelsPerImage: norm.pixelsPerImage, train, patch: null, validation: { clean, patchOnly: null, augmented: null }, norm };
  const patches = drawPatches(pp, geometry, Rng.forStream(seed, 'patch'));
  const trainMask = choosePatched(train.count, pp, dataRng);
  // Augmented test set: the same fixed patching rule, with each image's load drawn once.
  const testMask = choosePatched(test.count, pp, dataRng);
  const testDraws: LoadDraw[] = [];
  for (let i = 0; i < test.count; i++) testDraws.push(testMask[i] ? drawLoad(pp, dataRng) : { kind: 'clean', sign: 1, u: 0 });
  const augmented = splitSet(test, norm, { patches, draws: testDraws, geometry }, pp.alphaMax);
  // Patch-only set, as the authors build it (docs/science.md): zero images with uniform labels
  // passed through the training load transform, so ≈(1 − pPatchOnly) of them carry the
  // full-strength z + s·ζ_y ('mixed' on a zero image) and ≈pPatchOnly the α-scaled version.
  const n = pp.patchOnlyValCount;
  const labels = new Uint8Array(n);
  const draws: LoadDraw[] = [];
  for (let i = 0; i < n; i++) {
    labels[i] = dataRng.int(ds.classes);
    draws.push(drawLoad(pp, dataRng));
  }
  const patchOnly: ImageSet = {
    count: n,
    labels,
    fill(start, k, out) {
      const per = norm.pixelsPerImage;
      out.fill(0, 0, k * per);
      for (let i = 0; i < k; i++) {
        const j = start + i;
        applyPatch(out, i * per, geometry, patches, labels[j] ?? 0, draws[j] as LoadDraw, pp.alphaMax);
      }
    },
  };
  return { geometry, pixelsPerImage: norm.pixelsPerImage, train, patch: { params: pp, patches, trainMask }, validation: { clean, patchOnly, augmented }, norm };
}

function splitSet(
  split: ImageSplit,
  norm: Normalizer,
  patch: { patches: Patches; draws: readonly LoadDraw[]; geometry: ImageGeometry } | null,
  alphaMax: number,
): ImageSet {
  return {
    count: split.count,
    labels: split.labels,
    fill(start, n, out) {
      const per = norm.pixelsPerImage;
      for (let i = 0; i < n; i++) {
        norm.write(split.pixels, start + i, out, i * per);
        if (patch) applyPatch(out, i * per, patch.geometry, patch.patches, split.labels[start + i] ?? 0, patch.draws[start + i] as LoadDraw, alphaMax);
      }
    },
  };
}

export interface BatchStats {
  clean: number;
  mixed: number;
  patchOnly: number;
}

/**
 * Builds one training batch of the images `indices` into `out` / `labelsOut`, drawing each
 * patched image's load from `loadRng`; adds the load kinds to `stats` when given, and writes
 * each image's load kind to `kindsOut[i]` when given (the patch visualizer's use).
 */
export function fillTrainBatch(
  images: RunImages,
  indices: ArrayLike<number>,
  loadRng: Rng,
  out: Float32Array,
  labelsOut: Int32Array,
  stats?: BatchStats,
  kindsOut?: LoadKind[],
): void {
  const per = images.pixelsPerImage;
  const p = images.patch;
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i] ?? 0;
    const y = images.train.labels[j] ?? 0;
    labelsOut[i] = y;
    images.norm.write(images.train.pixels, j, out, i * per);
    let kind: LoadKind = 'clean';
    if (p && p.trainMask[j]) {
      const draw = drawLoad(p.params, loadRng);
      kind = draw.kind;
      applyPatch(out, i * per, images.geometry, p.patches, y, draw, p.params.alphaMax);
    }
    if (kindsOut) kindsOut[i] = kind;
    if (stats) {
      if (kind === 'clean') stats.clean++;
      else if (kind === 'mixed') stats.mixed++;
      else stats.patchOnly++;
    }
  }
}
