import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { fillTrainBatch, prepareRunImages } from './imageSets';
import type { BatchStats } from './imageSets';
import { choosePatched, drawPatches, patchStart } from './patch';
import type { ImageDataset } from './types';

const params = { sigmaZ: 1.25, beta: 0.1, alphaMax: 1.75, patchSize: 7, pPatched: 0.8, split: 'bernoulli' as const, pPatchOnly: 0.2 };

/** A 16×16×2 dataset whose every pixel byte is 200 (normalizes to a nonzero value). */
function fakeDataset(nTrain: number, nTest: number): ImageDataset {
  const H = 16, W = 16, C = 2;
  const split = (n: number) => ({ pixels: new Uint8Array(n * H * W * C).fill(200), labels: Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10), count: n });
  return { name: 'cifar10', source: 'test', height: H, width: W, channels: C, classes: 10, train: split(nTrain), test: split(nTest), mean: [0.5, 0.4], std: [0.25, 0.2] };
}

describe('patch augmentation', () => {
  it('centres the patch: start floor(H/2 − 7/2)', () => {
    expect(patchStart(32, 7)).toBe(12);
    expect(patchStart(28, 7)).toBe(10);
  });

  it('draws z ~ σ_z·N(0,1) and ζ_i ~ U(−β, β)', () => {
    const p = drawPatches({ ...params, sigmaZ: 2, beta: 0.3 }, { height: 32, width: 32, channels: 3, classes: 10 }, Rng.fromSeed(3));
    const std = Math.sqrt(p.z.reduce((s, v) => s + v * v, 0) / p.z.length);
    expect(std).toBeGreaterThan(1.6);
    expect(std).toBeLessThan(2.4);
    expect(p.zetas).toHaveLength(10);
    for (const zeta of p.zetas) for (const v of zeta) expect(Math.abs(v)).toBeLessThanOrEqual(0.3);
    expect(Math.max(...p.zetas.map((zz) => Math.max(...zz)))).toBeGreaterThan(0.25);
  });

  it('patches a fixed Bernoulli(0.8) subset, or exactly round(0.8·N)', () => {
    const m = choosePatched(20000, params, Rng.fromSeed(1));
    const frac = m.reduce((s, v) => s + v, 0) / m.length;
    expect(Math.abs(frac - 0.8)).toBeLessThan(0.015);
    const e = choosePatched(50000, { pPatched: 0.8, split: 'exact' }, Rng.fromSeed(1));
    expect(e.reduce((s, v) => s + v, 0)).toBe(40000);
  });

  it('loads ≈ 20% clean, 16% patch-only, 64% mixed; values follow z ± ζ_y and the α rule; background zero', () => {
    const ds = fakeDataset(4000, 10);
    const images = prepareRunImages(ds, 5, { patch: { ...params, enabled: true, patchOnlyValCount: 50 } });
    const patch = images.patch;
    if (!patch) throw new Error('no patch');
    const per = images.pixelsPerImage;
    const B = 500;
    const out = new Float32Array(B * per);
    const labels = new Int32Array(B);
    const stats: BatchStats = { clean: 0, mixed: 0, patchOnly: 0 };
    const loadRng = Rng.fromSeed(9);
    const { z, row, col, size } = patch.patches;
    const C = 2;
    const cleanValue = [(200 / 255 - 0.5) / 0.25, (200 / 255 - 0.4) / 0.2];
    let checked = 0;
    for (let start = 0; start < 4000; start += B) {
      const idx = Uint32Array.from({ length: B }, (_, i) => start + i);
      const before = { ...stats };
      fillTrainBatch(images, idx, loadRng, out, labels, stats);
      expect(stats.clean + stats.mixed + stats.patchOnly - before.clean - before.mixed - before.patchOnly).toBe(B);
      for (let i = 0; i < B; i++) {
        const y = labels[i] ?? 0;
        const zeta = patch.patches.zetas[y] as Float32Array;
        const img = out.subarray(i * per, (i + 1) * per);
        const inPatch = (r: number, c: number) => r >= row && r < row + size && c >= col && c < col + size;
        // The coefficient a in patch = z + a·ζ_y, from the largest |ζ| entry.
        let best = 0;
        for (let k = 1; k < zeta.length; k++) if (Math.abs(zeta[k] ?? 0) > Math.abs(zeta[best] ?? 0)) best = k;
        const br = Math.floor(best / C / size), bc = Math.floor(best / C) % size, bk = best % C;
        const a = ((img[((row + br) * 16 + col + bc) * C + bk] ?? 0) - (z[best] ?? 0)) / (zeta[best] ?? 1);
        const isPatched = patch.trainMask[start + i] === 1;
        const outside = img[0] ?? NaN;
        if (!isPatched) {
          if (Math.abs(outside - (cleanValue[0] ?? 0)) > 1e-5 || Math.abs((img[(row * 16 + col) * C] ?? 0) - (cleanValue[0] ?? 0)) > 1e-5) throw new Error(`clean image ${start + i} changed`);
          continue;
        }
        const patchOnly = outside === 0;
        if (patchOnly ? Math.abs(a) > 1.75 + 1e-4 : Math.abs(Math.abs(a) - 1) > 1e-4) throw new Error(`image ${start + i}: coefficient ${a} breaks the ${patchOnly ? 'α' : '±1'} rule`);
        let maxErr = 0;
        for (let r = 0; r < 16; r++)
          for (let c = 0; c < 16; c++)
            for (let k = 0; k < C; k++) {
              const v = img[(r * 16 + c) * C + k] ?? NaN;
              const j = ((r - row) * size + (c - col)) * C + k;
              const want = inPatch(r, c) ? (z[j] ?? 0) + a * (zeta[j] ?? 0) : patchOnly ? 0 : (cleanValue[k] ?? 0);
              maxErr = Math.max(maxErr, Math.abs(v - want));
            }
        if (maxErr > 1e-4) throw new Error(`image ${start + i}: max deviation ${maxErr} from the patch rule`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
    const patched = stats.mixed + stats.patchOnly;
    expect(Math.abs(stats.patchOnly / patched - 0.2)).toBeLessThan(0.025);
    expect(Math.abs(stats.clean / 4000 - 0.2)).toBeLessThan(0.025);
  });

  it('builds the three validation sets from the seed: clean, patch-only (zero background), augmented', () => {
    const ds = fakeDataset(100, 400);
    const a = prepareRunImages(ds, 11, { patch: { ...params, enabled: true, patchOnlyValCount: 300 } });
    const b = prepareRunImages(ds, 11, { patch: { ...params, enabled: true, patchOnlyValCount: 300 } });
    const v = a.validation;
    if (!v.patchOnly || !v.augmented) throw new Error('missing sets');
    expect(v.clean.count).toBe(400);
    expect(v.patchOnly.count).toBe(300);
    // Labels roughly uniform.
    const counts = new Array(10).fill(0);
    for (const y of v.patchOnly.labels) counts[y]++;
    expect(Math.min(...counts)).toBeGreaterThan(10);
    const per = a.pixelsPerImage;
    const x1 = new Float32Array(300 * per);
    const x2 = new Float32Array(300 * per);
    v.patchOnly.fill(0, 300, x1);
    b.validation.patchOnly?.fill(0, 300, x2);
    expect(x1).toEqual(x2);
    expect(x1[0]).toBe(0);
    const aug = new Float32Array(400 * per);
    v.augmented.fill(0, 400, aug);
    let patchedImages = 0;
    for (let i = 0; i < 400; i++) {
      const centre = aug[i * per + (8 * 16 + 8) * 2] ?? 0;
      const corner = aug[i * per] ?? 0;
      if (Math.abs(centre - corner) > 1e-6) patchedImages++;
    }
    expect(patchedImages / 400).toBeGreaterThan(0.7);
    expect(patchedImages / 400).toBeLessThan(0.9);
    const noPatch = prepareRunImages(ds, 11, { patch: null });
    expect(noPatch.validation.patchOnly).toBeNull();
  });

  it('patch-only set = zero images through the training load: ≈80% full-strength z ± ζ_y, ≈20% α-scaled', () => {
    const ds = fakeDataset(10, 10);
    const n = 2000;
    const run = prepareRunImages(ds, 7, { patch: { ...params, beta: 0.5, enabled: true, patchOnlyValCount: n } });
    const set = run.validation.patchOnly;
    const patches = run.patch?.patches;
    if (!set || !patches) throw new Error('missing patch-only set');
    const per = run.pixelsPerImage;
    // Stale values in the buffer must not leak into the zero background.
    const x = new Float32Array(n * per).fill(9);
    set.fill(0, n, x);
    let full = 0;
    let scaled = 0;
    const C = 2;
    for (let i = 0; i < n; i++) {
      const y = set.labels[i] ?? 0;
      const zeta = patches.zetas[y] ?? new Float32Array();
      // Coefficient a of ζ_y from the first patch pixel whose |ζ| is not tiny.
      let j = 0;
      while (Math.abs(zeta[j] ?? 0) < 0.05) j++;
      const r = Math.floor(j / C / 7);
      const q = Math.floor(j / C) % 7;
      const v = x[i * per + ((patches.row + r) * 16 + (patches.col + q)) * C + (j % C)] ?? 0;
      const a = (v - (patches.z[j] ?? 0)) / (zeta[j] ?? 1);
      if (Math.abs(Math.abs(a) - 1) < 1e-3) full++;
      else scaled++;
      expect(Math.abs(a)).toBeLessThanOrEqual(1.75 + 1e-3);
      expect(x[i * per]).toBe(0);
    }
    // The mixed case has |a| = 1 exactly; the α case has |a| = 1.75·u, which is 1 with probability 0.
    expect(full / n).toBeGreaterThan(0.76);
    expect(full / n).toBeLessThan(0.84);
    expect(scaled / n).toBeGreaterThan(0.16);
  });
});
