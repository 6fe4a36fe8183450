/**
 * The memorizable patch of Section 7 / App. G.2 (authors' code), in normalized pixel space:
 * - z: one patch of shape (7, 7, C), entries σ_z·N(0, 1), drawn once;
 * - ζ_i: one per class, entries U(−β, β), drawn once;
 * - placed at rows/cols start = floor(H/2 − p/2), all channels, replacing the pixels;
 * - a fixed subset of the training images is patched (Bernoulli(pPatched) each, or exactly
 *   round(pPatched·N) of them); each load of a patched image draws s = ±1, then
 *   mixed (prob. 1 − pPatchOnly): image kept, patch region = z + s·ζ_y;
 *   patch-only (prob. pPatchOnly): whole image 0 (the mean colour), patch = z + s·α_max·u·ζ_y, u ~ U(0, 1).
 * Arrays here are HWC (the layout tfjs convolutions use); z and ζ_i are (p, p, C).
 */
import type { Rng } from '../random';

export interface PatchParams {
  readonly sigmaZ: number;
  readonly beta: number;
  readonly alphaMax: number;
  readonly patchSize: number;
  readonly pPatched: number;
  readonly split: 'bernoulli' | 'exact';
  readonly pPatchOnly: number;
}

export interface ImageGeometry {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classes: number;
}

export interface Patches {
  readonly size: number;
  readonly channels: number;
  /** Top-left row and column of the patch. */
  readonly row: number;
  readonly col: number;
  /** (p, p, C) values. */
  readonly z: Float32Array;
  /** One (p, p, C) array per class. */
  readonly zetas: readonly Float32Array[];
}

export type LoadKind = 'clean' | 'mixed' | 'patch-only';

export function patchStart(side: number, size: number): number {
  return Math.floor(side / 2 - size / 2);
}

/** Draws z then ζ_0..ζ_{K−1} from `rng` (the run's 'patch' stream). */
export function drawPatches(params: PatchParams, geo: ImageGeometry, rng: Rng): Patches {
  const p = params.patchSize;
  if (p > geo.height || p > geo.width) throw new RangeError(`patch size ${p} exceeds the ${geo.height}×${geo.width} image`);
  const n = p * p * geo.channels;
  const z = rng.fillNormal(new Float32Array(n), params.sigmaZ);
  const zetas: Float32Array[] = [];
  for (let i = 0; i < geo.classes; i++) zetas.push(rng.fillUniform(new Float32Array(n), -params.beta, params.beta));
  return { size: p, channels: geo.channels, row: patchStart(geo.height, p), col: patchStart(geo.width, p), z, zetas };
}

/** Which of `count` training images carry the patch (1) — fixed for the whole run. */
export function choosePatched(count: number, params: Pick<PatchParams, 'pPatched' | 'split'>, rng: Rng): Uint8Array {
  const mask = new Uint8Array(count);
  if (params.split === 'bernoulli') {
    for (let i = 0; i < count; i++) mask[i] = rng.uniform() < params.pPatched ? 1 : 0;
    return mask;
  }
  const k = Math.round(params.pPatched * count);
  const order = rng.shuffle(Uint32Array.from({ length: count }, (_, i) => i));
  for (let i = 0; i < k; i++) mask[order[i] ?? 0] = 1;
  return mask;
}

/** One load's draws: the sign s, mixed vs patch-only, and u (patch-only only). */
export interface LoadDraw {
  readonly kind: LoadKind;
  readonly sign: 1 | -1;
  readonly u: number;
}

export function drawLoad(params: Pick<PatchParams, 'pPatchOnly'>, rng: Rng): LoadDraw {
  const sign = rng.sign();
  if (rng.uniform() < params.pPatchOnly) return { kind: 'patch-only', sign, u: rng.uniform() };
  return { kind: 'mixed', sign, u: 1 };
}

/**
 * Applies one load to an already-normalized HWC image at `img[offset..]`:
 * mixed → patch region = z + s·ζ_y; patch-only → all zeros, patch region = z + s·α_max·u·ζ_y.
 */
export function applyPatch(
  img: Float32Array,
  offset: number,
  geo: Pick<ImageGeometry, 'height' | 'width' | 'channels'>,
  patches: Patches,
  label: number,
  draw: LoadDraw,
  alphaMax: number,
): void {
  if (draw.kind === 'clean') return;
  const c = geo.channels;
  if (draw.kind === 'patch-only') img.fill(0, offset, offset + geo.height * geo.width * c);
  const zeta = patches.zetas[label];
  if (!zeta) throw new RangeError(`label ${label} has no ζ`);
  const a = draw.kind === 'mixed' ? draw.sign : draw.sign * alphaMax * draw.u;
  const p = patches.size;
  for (let r = 0; r < p; r++) {
    for (let q = 0; q < p; q++) {
      const dst = offset + ((patches.row + r) * geo.width + (patches.col + q)) * c;
      const src = (r * p + q) * c;
      for (let k = 0; k < c; k++) img[dst + k] = (patches.z[src + k] ?? 0) + a * (zeta[src + k] ?? 0);
    }
  }
}
