/**
 * Pure helpers of the patch visualizer (components/PatchVisualizer.vue; docs/patch-visualizer.md):
 * decoding the api's float32 tensors, one shared symmetric colour scale for z and every ζ_i,
 * a colour-blind-safe diverging map, and RGBA pixels for heatmaps and sample images.
 */
import type { Float32Tensor } from '@api/schemas';

/** The api's base64 little-endian float32 bytes as a Float32Array (length checked against the shape). */
export function decodeTensor(t: Float32Tensor): Float32Array {
  const bin = atob(t.base64);
  if (bin.length % 4 !== 0) throw new Error(`a float32 tensor of ${bin.length} bytes (not a multiple of 4)`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const out = new Float32Array(bytes.buffer);
  const want = t.shape.reduce((a, v) => a * v, 1);
  if (out.length !== want) throw new Error(`a float32 tensor of shape [${t.shape.join(', ')}] holds ${out.length} values, not ${want}`);
  return out;
}

/** Channel `k` of a (p, p, C) HWC array, row-major p×p. */
export function channelOf(values: ArrayLike<number>, size: number, channels: number, k: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let i = 0; i < size * size; i++) out[i] = values[i * channels + k] ?? 0;
  return out;
}

/** The largest |value| over all arrays (0 for none). */
export function maxAbs(arrays: readonly ArrayLike<number>[]): number {
  let m = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] ?? 0));
  return m;
}

/** The half-range of one symmetric scale over all arrays: their largest |value| (1 when all are 0). */
export function symmetricRange(arrays: readonly ArrayLike<number>[]): number {
  const m = maxAbs(arrays);
  return m > 0 ? m : 1;
}

/**
 * ColorBrewer's 11-class RdBu, reversed (blue for negative, red for positive), white at 0:
 * a diverging map ColorBrewer lists as colour-blind safe.
 */
export const DIVERGING: readonly (readonly [number, number, number])[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

/** The map's colour at t ∈ [−1, 1] (clamped), linearly between its stops. */
export function divergingColor(t: number): [number, number, number] {
  const c = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const x = ((c + 1) / 2) * (DIVERGING.length - 1);
  const i = Math.min(DIVERGING.length - 2, Math.floor(x));
  const f = x - i;
  const a = DIVERGING[i] as readonly [number, number, number];
  const b = DIVERGING[i + 1] as readonly [number, number, number];
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

/** CSS linear-gradient stops of the map, left (−range) to right (+range), for the colour bar. */
export function divergingGradient(): string {
  return DIVERGING.map((c, i) => `rgb(${c[0]}, ${c[1]}, ${c[2]}) ${((100 * i) / (DIVERGING.length - 1)).toFixed(1)}%`).join(', ');
}

/** RGBA pixels of a heatmap: `values[i]` on the scale [−range, range]. */
export function heatmapRgba(values: ArrayLike<number>, range: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = divergingColor((values[i] ?? 0) / range);
    out.set([r, g, b, 255], i * 4);
  }
  return out;
}

/**
 * RGBA pixels of a normalized HWC input shown as the image it stands for: byte/255 = x·std_c +
 * mean_c, clipped to [0, 1] (patch values beyond the pixel range saturate). Grey for one
 * channel, RGB for three (other counts: the first channel in grey).
 */
export function imageRgba(x: ArrayLike<number>, offset: number, height: number, width: number, channels: number, mean: readonly number[], std: readonly number[]): Uint8ClampedArray {
  const n = height * width;
  const out = new Uint8ClampedArray(n * 4);
  const px = (i: number, k: number): number => {
    const v = (x[offset + i * channels + k] ?? 0) * (std[k] ?? 1) + (mean[k] ?? 0);
    return Math.round(255 * Math.max(0, Math.min(1, v)));
  };
  for (let i = 0; i < n; i++) {
    const rgb = channels === 3 ? [px(i, 0), px(i, 1), px(i, 2)] : [px(i, 0), px(i, 0), px(i, 0)];
    out.set([rgb[0] ?? 0, rgb[1] ?? 0, rgb[2] ?? 0, 255], i * 4);
  }
  return out;
}

/** Numbers for the statistics list: 3 significant digits, percentages with one decimal. */
export function fmtPercent(v: number): string {
  return `${(100 * v).toFixed(1)} %`;
}

/** Ticks of the colour bar: −m, −m/2, 0, m/2, m with 2–3 significant digits. */
export function colourBarTicks(range: number): string[] {
  // U+2212 (minus sign), as typeset numbers have it.
  const f = (v: number) => (v === 0 ? '0' : Number(v.toPrecision(Math.abs(v) >= 1 ? 3 : 2)).toString().replace('-', '−'));
  return [-range, -range / 2, 0, range / 2, range].map(f);
}
