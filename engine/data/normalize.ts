/**
 * Per-channel normalization, x = (byte/255 − mean_c) / std_c.
 * CIFAR-10 values are the authors' (docs/paper.md §2.1); MNIST and Fashion-MNIST use the usual
 * torchvision statistics of their training sets.
 */
import type { DatasetName, ImageDataset } from './types';

export const NORMALIZATION: Readonly<Record<DatasetName, { readonly mean: readonly number[]; readonly std: readonly number[] }>> = {
  cifar10: { mean: [125.3 / 255, 123.0 / 255, 113.9 / 255], std: [63.0 / 255, 62.1 / 255, 66.7 / 255] },
  'fashion-mnist': { mean: [0.286], std: [0.353] },
  mnist: { mean: [0.1307], std: [0.3081] },
};

/**
 * Writes image `index` of `pixels` (HWC bytes), normalized, into `out` at `outOffset`.
 * `scale[c] = 1/(255·std_c)`, `shift[c] = −mean_c/std_c`, precomputed by `normalizer`.
 */
export interface Normalizer {
  readonly pixelsPerImage: number;
  write(pixels: Uint8Array, index: number, out: Float32Array, outOffset: number): void;
}

export function normalizer(ds: Pick<ImageDataset, 'height' | 'width' | 'channels' | 'mean' | 'std'>): Normalizer {
  const c = ds.channels;
  const n = ds.height * ds.width * c;
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const s = ds.std[k] ?? 1;
    scale[k] = 1 / (255 * s);
    shift[k] = -(ds.mean[k] ?? 0) / s;
  }
  return {
    pixelsPerImage: n,
    write(pixels, index, out, outOffset) {
      const base = index * n;
      for (let i = 0; i < n; i++) {
        const k = i % c;
        out[outOffset + i] = (pixels[base + i] ?? 0) * (scale[k] ?? 0) + (shift[k] ?? 0);
      }
    },
  };
}
