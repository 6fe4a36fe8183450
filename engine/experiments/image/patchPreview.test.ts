import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../backend';
import { loadDataset } from '../../data';
import type { ImageDataset } from '../../data';
import type * as Models from '../../models';
import { PRESETS } from '../../presets';
import { Rng } from '../../random';
import { patchPreview, patchPreviewFromDataset, patchPreviewWithoutData, PATCH_PREVIEW_LIMITS, PatchPreviewError } from './patchPreview';
import type { ImagePatchPreview } from './patchPreview';
import { runImageExperiment } from './run';
import { ImageSpecSchema } from './spec';
import type { ImageSpec, ImageSpecInput } from './spec';

/**
 * What the trainer feeds the network: trainStep is replaced by a recorder (no gradient work),
 * so each test sees every batch exactly as runImageExperiment built it.
 */
const fed: { x: Float32Array; labels: Int32Array }[] = [];
vi.mock('../../models', async (importOriginal) => {
  const orig = await importOriginal<typeof Models>();
  return {
    ...orig,
    trainStep: vi.fn(async (_m: unknown, _o: unknown, input: { x: Float32Array; labels: Int32Array; batch: number }, _lr: number, _n: unknown, shape: readonly number[]) => {
      const per = (shape[0] ?? 0) * (shape[1] ?? 0) * (shape[2] ?? 0);
      fed.push({ x: input.x.slice(0, input.batch * per), labels: input.labels.slice(0, input.batch) });
      return { loss: 1, correct: 0 };
    }),
  };
});

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
});

/** CIFAR-shaped random images (32×32×3 bytes, 10 classes), named cifar10 as the paper's specs use. */
function cifarShaped(nTrain: number, nTest: number): ImageDataset {
  const make = (n: number, seed: number) => {
    const rng = Rng.fromSeed(seed);
    const pixels = new Uint8Array(n * 3072);
    for (let i = 0; i < pixels.length; i++) pixels[i] = rng.int(256);
    return { pixels, labels: Uint8Array.from({ length: n }, () => rng.int(10)), count: n };
  };
  return { name: 'cifar10', source: 'memory', height: 32, width: 32, channels: 3, classes: 10, train: make(nTrain, 1), test: make(nTest, 2), mean: [125.3 / 255, 123.0 / 255, 113.9 / 255], std: [63.0 / 255, 62.1 / 255, 66.7 / 255] };
}

function imageSpec(over: Partial<ImageSpecInput> = {}): ImageSpec {
  return ImageSpecSchema.parse({
    kind: 'image',
    seed: 7,
    backend: 'cpu',
    dataset: { name: 'cifar10', trainSubset: 1500 },
    model: { arch: 'small-cnn', width: 2 },
    optim: { batchSize: 64 },
    epochs: 1,
    ...over,
  });
}

/** Trains `spec` on `ds` (recording what it feeds) until `steps` steps are taken, then stops it. */
async function trainerBatches(spec: ImageSpec, ds: ImageDataset, steps: number): Promise<typeof fed> {
  fed.length = 0;
  const r = await runImageExperiment(spec, { shouldStop: () => fed.length >= steps }, { dataset: ds });
  expect(r.steps).toBe(steps);
  return [...fed];
}

/** Every sample equals, element for element, the image the trainer fed at its step and position. */
function expectSamplesAreTrainerInputs(prev: ImagePatchPreview, batches: typeof fed): void {
  const per = prev.geometry.height * prev.geometry.width * prev.geometry.channels;
  for (const s of prev.samples) {
    const b = batches[s.step - 1];
    if (!b) throw new Error(`no batch for step ${s.step}`);
    expect(b.labels[s.position]).toBe(s.label);
    // toEqual on Float32Arrays compares every element exactly.
    expect(s.image).toEqual(b.x.slice(s.position * per, (s.position + 1) * per));
  }
}

describe('patch visualizer data (the trainer’s own batches)', () => {
  it('CIFAR-shaped data: every mixed and patch-only sample is the exact training input, and the load counts match the batches', async () => {
    const ds = cifarShaped(2000, 100);
    const spec = imageSpec();
    const prev = patchPreviewFromDataset(spec, ds, { perClass: 2 });
    const st = prev.stats;
    if (!st) throw new Error('no stats');
    expect(prev.samples).toHaveLength(40);
    for (let y = 0; y < 10; y++) {
      expect(prev.samples.filter((s) => s.label === y && s.kind === 'mixed')).toHaveLength(2);
      expect(prev.samples.filter((s) => s.label === y && s.kind === 'patch-only')).toHaveLength(2);
    }
    const batches = await trainerBatches(spec, ds, st.scannedSteps);
    expectSamplesAreTrainerInputs(prev, batches);

    // The samples obey the patch rule with the preview's own z and ζ: mixed = z ± ζ_y in the
    // patch; patch-only = zero background and z + a·ζ_y with |a| ≤ α_max.
    const { z, zetas, size, row, col } = prev.patch;
    const C = 3;
    for (const s of prev.samples) {
      const zeta = zetas[s.label] as Float32Array;
      let best = 0;
      for (let k = 1; k < zeta.length; k++) if (Math.abs(zeta[k] ?? 0) > Math.abs(zeta[best] ?? 0)) best = k;
      const at = ((row + Math.floor(best / C / size)) * 32 + col + (Math.floor(best / C) % size)) * C + (best % C);
      const a = ((s.image[at] ?? 0) - (z[best] ?? 0)) / (zeta[best] ?? 1);
      if (s.kind === 'mixed') expect(Math.abs(a)).toBeCloseTo(1, 4);
      else {
        expect(Math.abs(a)).toBeLessThanOrEqual(spec.patch.alphaMax + 1e-4);
        expect(s.image[0]).toBe(0);
      }
    }

    // Load statistics = what the scanned batches hold (a patch-only input has a zero corner;
    // a normalized CIFAR byte is never exactly 0).
    const per = 32 * 32 * 3;
    let zeroCorner = 0;
    let loads = 0;
    for (const b of batches) {
      for (let i = 0; i < b.labels.length; i++) if (b.x[i * per] === 0) zeroCorner++;
      loads += b.labels.length;
    }
    expect(st.scannedLoads).toBe(loads);
    expect(st.loads.patchOnly).toBe(zeroCorner);
    expect(st.loads.clean + st.loads.mixed + st.loads.patchOnly).toBe(loads);
    expect(st.trainImages).toBe(1500);
    expect(st.patchedFraction).toBeGreaterThan(0.75);
    expect(st.patchedFraction).toBeLessThan(0.85);
    expect(st.patchOnlyFraction).toBeGreaterThan(0.14);
    expect(st.patchOnlyFraction).toBeLessThan(0.26);
    // ‖z‖ ≈ σ_z·√(7·7·3); ζ entries U(−β, β) have RMS β/√3.
    expect(st.zNorm / Math.sqrt(147)).toBeGreaterThan(1.25 * 0.85);
    expect(st.zNorm / Math.sqrt(147)).toBeLessThan(1.25 * 1.15);
    expect(st.meanZetaNorm / Math.sqrt(147)).toBeCloseTo(0.1 / Math.sqrt(3), 2);
    expect(st.patchToImageNorm).toBeCloseTo((st.meanPatchNorm ?? NaN) / st.meanImageNorm, 10);
  });

  it('follows the seed: another seed gives another z and other samples; the same seed the same bytes', () => {
    const ds = cifarShaped(600, 50);
    const a = patchPreviewFromDataset(imageSpec({ dataset: { name: 'cifar10' } }), ds, { perClass: 1 });
    const b = patchPreviewFromDataset(imageSpec({ dataset: { name: 'cifar10' } }), ds, { perClass: 1 });
    const c = patchPreviewFromDataset(imageSpec({ seed: 8, dataset: { name: 'cifar10' } }), ds, { perClass: 1 });
    expect(a.patch.z).toEqual(b.patch.z);
    expect(a.samples.map((s) => s.image)).toEqual(b.samples.map((s) => s.image));
    expect(a.patch.z).not.toEqual(c.patch.z);
  });

  it('σ_z, β and α_max change z, ζ and the patch-only scale as the spec says', () => {
    const ds = cifarShaped(600, 50);
    const base = patchPreviewFromDataset(imageSpec(), ds, { perClass: 1 });
    const spec2 = imageSpec({ patch: { sigmaZ: 2.5, beta: 0.3 } });
    const two = patchPreviewFromDataset(spec2, ds, { perClass: 1 });
    // Same streams: z scales with σ_z, ζ with β (up to float rounding).
    for (let k = 0; k < base.patch.z.length; k++) expect(two.patch.z[k]).toBeCloseTo((base.patch.z[k] ?? 0) * 2, 4);
    expect(two.stats?.meanZetaNorm).toBeCloseTo((base.stats?.meanZetaNorm ?? 0) * 3, 4);
  });

  it('without the dataset: z and ζ exactly as the run draws them, no samples, the reason in the notes', () => {
    const ds = cifarShaped(600, 50);
    const spec = imageSpec();
    const full = patchPreviewFromDataset(spec, ds, { perClass: 1 });
    const bare = patchPreviewWithoutData(spec, 'Dataset cifar10 not found');
    expect(bare.patch.z).toEqual(full.patch.z);
    expect(bare.patch.zetas).toEqual(full.patch.zetas);
    expect(bare.samples).toEqual([]);
    expect(bare.stats).toBeNull();
    expect(bare.notes[0]).toMatch(/No sample images: Dataset cifar10 not found/);
  });

  it('refuses a spec without the patch and a perClass out of range, saying what to do', () => {
    const ds = cifarShaped(100, 20);
    expect(() => patchPreviewFromDataset(imageSpec({ patch: { enabled: false } }), ds)).toThrow(PatchPreviewError);
    expect(() => patchPreviewFromDataset(imageSpec({ patch: { enabled: false } }), ds)).toThrow(/turn the patch on/);
    expect(() => patchPreviewFromDataset(imageSpec(), ds, { perClass: PATCH_PREVIEW_LIMITS.maxPerClass + 1 })).toThrow(/perClass must be a whole number from 1 to 8/);
  });

  it('says which samples a tiny training set cannot supply', () => {
    const ds = cifarShaped(40, 20);
    const prev = patchPreviewFromDataset(imageSpec({ dataset: { name: 'cifar10' }, optim: { batchSize: 16 } }), ds, { perClass: 3 });
    expect(prev.stats?.scannedLoads).toBe(40);
    expect(prev.notes.join(' ')).toMatch(/hold fewer than 3/);
  });

  // Debian's dataset-fashion-mnist (npm test installs it as root); under CI=true its absence fails.
  const fmnistDir = '/usr/share/datasets/fashion-mnist';
  const haveFmnist = existsSync(fmnistDir);
  it.skipIf(!haveFmnist && process.env['CI'] !== 'true')('real Fashion-MNIST, the patch-fmnist preset: samples are the trainer’s inputs', async () => {
    expect(haveFmnist, `${fmnistDir} is missing: apt-get install dataset-fashion-mnist`).toBe(true);
    const preset = PRESETS.find((p) => p.name === 'patch-fmnist-small-lr');
    if (!preset) throw new Error('preset patch-fmnist-small-lr is gone');
    const spec = ImageSpecSchema.parse({ ...preset.spec, seed: 3, backend: 'cpu' });
    const prev = await patchPreview(spec, { perClass: 2 });
    const ds = await loadDataset({ name: 'fashion-mnist' });
    expect(prev.notes).toEqual([]);
    expect(prev.samples).toHaveLength(40);
    expect(prev.stats?.trainImages).toBe(10_000);
    const batches = await trainerBatches(spec, ds, prev.stats?.scannedSteps ?? 0);
    expectSamplesAreTrainerInputs(prev, batches);
  });
});
