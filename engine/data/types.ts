/**
 * In-memory image datasets. Pixels stay as the raw bytes of the release (HWC order, one byte
 * per channel) so CIFAR-10 takes 150 MB, not 600 MB; batches are normalized when they are built.
 */
export type DatasetName = 'cifar10' | 'fashion-mnist' | 'mnist';

/** What each release holds, known before reading it: image shape [H, W, C], split sizes, classes. */
export const DATASET_FACTS: Readonly<Record<DatasetName, { readonly imageShape: readonly [number, number, number]; readonly train: number; readonly test: number; readonly classes: number }>> = {
  cifar10: { imageShape: [32, 32, 3], train: 50_000, test: 10_000, classes: 10 },
  'fashion-mnist': { imageShape: [28, 28, 1], train: 60_000, test: 10_000, classes: 10 },
  mnist: { imageShape: [28, 28, 1], train: 60_000, test: 10_000, classes: 10 },
};

export interface ImageSplit {
  /** count × height × width × channels bytes, HWC order per image. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface ImageDataset {
  readonly name: DatasetName;
  /** Where it was read from (a folder or an archive). */
  readonly source: string;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classes: number;
  readonly train: ImageSplit;
  readonly test: ImageSplit;
  /** Per-channel normalization, in [0, 1] pixel units: x = (byte/255 − mean) / std. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Progress of a long read: bytes consumed so far of `total` (null when unknown). */
export type ProgressCallback = (done: number, total: number | null) => void;
