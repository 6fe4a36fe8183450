/**
 * The patch visualizer's data (docs/paper.md §2.2; docs/patch-visualizer.md): for an image
 * spec and its seed, the shared patch z and every class's ζ_i, sample *mixed* and *patch-only*
 * training images per class, and statistics of the loads.
 *
 * Nothing here re-draws the patch: the images are built by the trainer's own code path
 * (batches.ts: `runImagesFor`, `batchStreams`, `shuffleEpoch`, `batchIndices`, then
 * engine/data's `fillTrainBatch`) with the run's streams, so each sample is, element for
 * element, the input the network gets at that step and batch position of epoch 1.
 */
import { DATASET_FACTS, drawPatches, fillTrainBatch, loadDataset } from '../../data';
import type { ImageDataset, ImageGeometry, LoadKind } from '../../data';
import { Rng } from '../../random';
import { batchIndices, batchStreams, runImagesFor, shuffleEpoch, stepsPerEpoch } from './batches';
import type { ImageSpec } from './spec';

/** The classes' names, in label order (the releases' documentation). */
export const CLASS_NAMES: Readonly<Record<ImageSpec['dataset']['name'], readonly string[]>> = {
  cifar10: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

/** Limits that keep a preview small enough to travel to a window (and quick to build). */
export const PATCH_PREVIEW_LIMITS = {
  /** Samples per class and kind. */
  maxPerClass: 8,
  /** At least this many epoch-1 loads are scanned for the statistics (or the whole epoch when smaller). */
  minLoads: 2048,
  /** At most this many epoch-1 loads are scanned looking for samples. */
  maxLoads: 20_000,
} as const;

export interface PatchPreviewOptions {
  /** Mixed and patch-only samples wanted per class (1..8; default 2). */
  readonly perClass?: number;
}

export interface PatchPreviewSample {
  readonly kind: Exclude<LoadKind, 'clean'>;
  readonly label: number;
  /** 1-based training step (of epoch 1) whose batch holds this image. */
  readonly step: number;
  /** Position in that batch (0-based). */
  readonly position: number;
  /** Index of the image in the run's training set (after the seed's subset). */
  readonly index: number;
  /** The network's input, normalized, HWC. */
  readonly image: Float32Array;
}

export interface PatchPreviewStats {
  /** Training images in the run (after any subset). */
  readonly trainImages: number;
  /** Of those, how many carry the patch (fixed for the run). */
  readonly patchedImages: number;
  readonly patchedFraction: number;
  /** Epoch-1 loads scanned for the load statistics, and the steps they span. */
  readonly scannedLoads: number;
  readonly scannedSteps: number;
  readonly loads: { readonly clean: number; readonly mixed: number; readonly patchOnly: number };
  /** patch-only ÷ patched loads (the spec's pPatchOnly, as drawn). */
  readonly patchOnlyFraction: number;
  /** patch-only ÷ all loads. */
  readonly patchOnlyShare: number;
  /** Mean L2 norm of the patch region (z + s·ζ_y, all channels) over the scanned mixed loads. */
  readonly meanPatchNorm: number | null;
  /** Mean L2 norm of the whole normalized image, before patching, over the scanned loads. */
  readonly meanImageNorm: number;
  /** meanPatchNorm ÷ meanImageNorm. */
  readonly patchToImageNorm: number | null;
  /** ‖z‖ and the mean ‖ζ_i‖ over classes. */
  readonly zNorm: number;
  readonly meanZetaNorm: number;
}

export interface ImagePatchPreview {
  readonly seed: number;
  readonly dataset: ImageSpec['dataset']['name'];
  readonly classNames: readonly string[];
  readonly geometry: ImageGeometry;
  /** Normalization, to show the inputs as pixels: byte/255 = x·std_c + mean_c. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly patch: {
    readonly size: number;
    readonly row: number;
    readonly col: number;
    /** (p, p, C) each. */
    readonly z: Float32Array;
    readonly zetas: readonly Float32Array[];
  };
  /** Per class: its mixed samples, then its patch-only samples (class order). */
  readonly samples: readonly PatchPreviewSample[];
  /** Null when the dataset could not be read (then `notes` says why). */
  readonly stats: PatchPreviewStats | null;
  readonly notes: readonly string[];
}

/** A spec the visualizer cannot show (patch off). */
export class PatchPreviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchPreviewError';
  }
}

function l2(a: Float32Array, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (a[i] ?? 0) ** 2;
  return Math.sqrt(s);
}

function checkSpec(spec: ImageSpec, perClass: number): void {
  if (!spec.patch.enabled) throw new PatchPreviewError('This spec trains without the patch (patch.enabled is off): turn the patch on to see it.');
  if (!Number.isInteger(perClass) || perClass < 1 || perClass > PATCH_PREVIEW_LIMITS.maxPerClass) {
    throw new PatchPreviewError(`perClass must be a whole number from 1 to ${PATCH_PREVIEW_LIMITS.maxPerClass} (got ${perClass}).`);
  }
}

/**
 * The preview from an already-loaded dataset: scans epoch 1's batches as the trainer builds
 * them until every class has `perClass` mixed and patch-only samples and at least
 * `minLoads` loads are counted (or the epoch, or `maxLoads`, ends).
 */
export function patchPreviewFromDataset(spec: ImageSpec, ds: ImageDataset, options: PatchPreviewOptions = {}): ImagePatchPreview {
  const perClass = options.perClass ?? 2;
  checkSpec(spec, perClass);
  const images = runImagesFor(spec, ds);
  const setup = images.patch;
  if (!setup) throw new PatchPreviewError('This spec trains without the patch: turn the patch on to see it.');
  const { geometry, pixelsPerImage: per } = images;
  const n = images.train.count;
  const B = spec.optim.batchSize;
  const steps = stepsPerEpoch(n, B);
  const { shuffle, load } = batchStreams(spec.seed);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  shuffleEpoch(order, shuffle);
  const x = new Float32Array(B * per);
  const labels = new Int32Array(B);
  const kinds: LoadKind[] = [];
  const clean = new Float32Array(per);
  const stats = { clean: 0, mixed: 0, patchOnly: 0 };
  const want = (k: 'mixed' | 'patch-only', y: number) => found.filter((s) => s.kind === k && s.label === y).length < perClass;
  const found: PatchPreviewSample[] = [];
  const { size: p, row, col } = setup.patches;
  const C = geometry.channels;
  let patchNormSum = 0;
  let imageNormSum = 0;
  let scanned = 0;
  let s = 0;
  const complete = () => found.length >= 2 * perClass * geometry.classes;
  for (; s < steps; s++) {
    if (scanned >= PATCH_PREVIEW_LIMITS.maxLoads) break;
    if (scanned >= PATCH_PREVIEW_LIMITS.minLoads && complete()) break;
    const idx = batchIndices(order, s, B);
    fillTrainBatch(images, idx, load, x, labels, stats, kinds);
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i] ?? 0;
      images.norm.write(images.train.pixels, j, clean, 0);
      imageNormSum += l2(clean);
      const kind = kinds[i] ?? 'clean';
      const y = labels[i] ?? 0;
      if (kind === 'mixed') {
        let sq = 0;
        for (let r = 0; r < p; r++) {
          const at = i * per + ((row + r) * geometry.width + col) * C;
          for (let q = 0; q < p * C; q++) sq += (x[at + q] ?? 0) ** 2;
        }
        patchNormSum += Math.sqrt(sq);
      }
      if (kind !== 'clean' && want(kind, y)) {
        found.push({ kind, label: y, step: s + 1, position: i, index: j, image: x.slice(i * per, (i + 1) * per) });
      }
    }
    scanned += idx.length;
  }
  const notes: string[] = [];
  const missing = [];
  for (let y = 0; y < geometry.classes; y++) for (const k of ['mixed', 'patch-only'] as const) if (want(k, y)) missing.push(`${k} of class ${y}`);
  if (missing.length > 0) notes.push(`Epoch 1's first ${scanned} loads hold fewer than ${perClass} ${missing.length > 6 ? `samples of ${missing.length} class/kind pairs` : missing.join(', ')}.`);
  const samples = [...found].sort((a, b) => a.label - b.label || (a.kind === b.kind ? 0 : a.kind === 'mixed' ? -1 : 1) || a.step - b.step || a.position - b.position);
  const patchedImages = setup.trainMask.reduce((a, v) => a + v, 0);
  const patched = stats.mixed + stats.patchOnly;
  const meanPatchNorm = stats.mixed > 0 ? patchNormSum / stats.mixed : null;
  const meanImageNorm = scanned > 0 ? imageNormSum / scanned : 0;
  return {
    seed: spec.seed,
    dataset: spec.dataset.name,
    classNames: CLASS_NAMES[spec.dataset.name],
    geometry,
    mean: [...ds.mean],
    std: [...ds.std],
    patch: { size: p, row, col, z: setup.patches.z, zetas: setup.patches.zetas },
    samples,
    stats: {
      trainImages: n,
      patchedImages,
      patchedFraction: n > 0 ? patchedImages / n : 0,
      scannedLoads: scanned,
      scannedSteps: s,
      loads: { ...stats },
      patchOnlyFraction: patched > 0 ? stats.patchOnly / patched : 0,
      patchOnlyShare: scanned > 0 ? stats.patchOnly / scanned : 0,
      meanPatchNorm,
      meanImageNorm,
      patchToImageNorm: meanPatchNorm !== null && meanImageNorm > 0 ? meanPatchNorm / meanImageNorm : null,
      zNorm: l2(setup.patches.z),
      meanZetaNorm: setup.patches.zetas.reduce((a, zz) => a + l2(zz), 0) / Math.max(1, setup.patches.zetas.length),
    },
    notes,
  };
}

/**
 * Only z and ζ_i, for when the dataset is not on this machine: drawn exactly as
 * `prepareRunImages` draws them (the seed's 'patch' stream, the dataset's known shape).
 */
export function patchPreviewWithoutData(spec: ImageSpec, reason: string): ImagePatchPreview {
  checkSpec(spec, 1);
  const facts = DATASET_FACTS[spec.dataset.name];
  const [height, width, channels] = facts.imageShape;
  const geometry: ImageGeometry = { height, width, channels, classes: facts.classes };
  const patches = drawPatches(spec.patch, geometry, Rng.forStream(spec.seed, 'patch'));
  return {
    seed: spec.seed,
    dataset: spec.dataset.name,
    classNames: CLASS_NAMES[spec.dataset.name],
    geometry,
    mean: [],
    std: [],
    patch: { size: patches.size, row: patches.row, col: patches.col, z: patches.z, zetas: patches.zetas },
    samples: [],
    stats: null,
    notes: [`No sample images: ${reason}`],
  };
}

/**
 * The preview for a spec, reading its dataset as the trainer does (`loadDataset`, cached per
 * process); when the dataset cannot be read, z and ζ only, with the reason in `notes`.
 */
export async function patchPreview(spec: ImageSpec, options: PatchPreviewOptions = {}): Promise<ImagePatchPreview> {
  checkSpec(spec, options.perClass ?? 2);
  let ds: ImageDataset;
  try {
    ds = await loadDataset({ name: spec.dataset.name, path: spec.dataset.path, verifyChecksum: spec.dataset.verifyChecksum });
  } catch (e) {
    return patchPreviewWithoutData(spec, e instanceof Error ? e.message : String(e));
  }
  return patchPreviewFromDataset(spec, ds, options);
}
