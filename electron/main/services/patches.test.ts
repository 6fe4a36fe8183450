import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host/host';
import { PRESETS } from '../../../engine/presets';
import { patchPreview } from '../../../engine/experiments/image';
import { ImageSpecSchema } from '../../../engine/experiments/image';
import { makeIdx } from '../../../engine/data/testFiles';
import { Rng } from '../../../engine/random';
import type { PatchPreview } from '../../api/schemas';

let dir: string;
let host: Host;
let idxDir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lrlab-patches-'));
  host = await createHost({ mode: 'cli', storePath: join(dir, 'runs.sqlite'), backend: 'wasm', log: () => {} });
  // A small Fashion-MNIST-shaped IDX set (28×28, 10 classes), so the test needs no Debian package.
  idxDir = join(dir, 'fmnist');
  mkdirSync(idxDir);
  const rng = Rng.fromSeed(5);
  const write = (base: string, n: number) => {
    const px = new Uint8Array(n * 784);
    for (let i = 0; i < px.length; i++) px[i] = rng.int(256);
    writeFileSync(join(idxDir, `${base}-images-idx3-ubyte`), makeIdx([n, 28, 28], px));
    writeFileSync(join(idxDir, `${base}-labels-idx1-ubyte`), makeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % 10)));
  };
  write('train', 800);
  write('t10k', 100);
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

const fmnistSpec = () => {
  const p = PRESETS.find((x) => x.name === 'patch-fmnist-small-lr');
  if (!p) throw new Error('preset patch-fmnist-small-lr is gone');
  return { ...(p.spec as Record<string, unknown>), seed: 4, dataset: { name: 'fashion-mnist', path: idxDir } };
};

function decode(t: { shape: number[]; base64: string }): Float32Array {
  const b = Buffer.from(t.base64, 'base64');
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  expect(out.length).toBe(t.shape.reduce((a, v) => a * v, 1));
  return out;
}

describe('patches service', () => {
  it('sends z, ζ and the samples as the engine built them (bit for bit), with shapes and stats', async () => {
    const r = await host.dispatch('patches.preview', { spec: fmnistSpec(), seed: 9, perClass: 1 });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as PatchPreview;
    const engine = await patchPreview(ImageSpecSchema.parse({ ...fmnistSpec(), seed: 9 }), { perClass: 1 });
    expect(v.seed).toBe(9);
    expect(v.patch.z.shape).toEqual([7, 7, 1]);
    expect(v.patch.zetas.shape).toEqual([10, 7, 7, 1]);
    expect(decode(v.patch.z)).toEqual(engine.patch.z);
    const zetas = decode(v.patch.zetas);
    expect(zetas.subarray(49 * 3, 49 * 4)).toEqual(engine.patch.zetas[3]);
    expect(v.images.shape).toEqual([engine.samples.length, 28, 28, 1]);
    const images = decode(v.images);
    engine.samples.forEach((s, i) => expect(images.subarray(i * 784, (i + 1) * 784)).toEqual(s.image));
    expect(v.samples.map((s) => [s.kind, s.label, s.step, s.position])).toEqual(engine.samples.map((s) => [s.kind, s.label, s.step, s.position]));
    expect(v.stats?.trainImages).toBe(800);
    expect(v.mean).toEqual([0.286]);
  });

  it('refuses a synthetic spec, a spec without the patch, a bad perClass and a bad spec, each saying what is wrong', async () => {
    const toy = PRESETS.find((p) => p.name.startsWith('toy'))?.spec as Record<string, unknown>;
    const a = await host.dispatch('patches.preview', { spec: { ...toy, seed: 1 } });
    expect(a.ok).toBe(false);
    if (!a.ok) {
      expect(a.error.code).toBe('invalid_request');
      expect(a.error.message).toMatch(/the patch visualizer applies to image experiments; this spec is of kind "synthetic"/i);
    }
    const b = await host.dispatch('patches.preview', { spec: { ...fmnistSpec(), patch: { enabled: false } } });
    expect(!b.ok && b.error.message).toMatch(/turn the patch on/);
    const c = await host.dispatch('patches.preview', { spec: fmnistSpec(), perClass: 50 });
    expect(!c.ok && c.error.code).toBe('invalid_request');
    expect(!c.ok && c.error.issues?.[0]?.path).toBe('perClass');
    const d = await host.dispatch('patches.preview', { spec: { ...fmnistSpec(), patch: { sigmaZ: -1 } } });
    expect(!d.ok && d.error.code).toBe('invalid_spec');
    expect(!d.ok && d.error.issues?.[0]?.path).toBe('spec.patch.sigmaZ');
  });

  it('without the dataset: z and ζ, no samples, and a note saying where it looked', async () => {
    const r = await host.dispatch('patches.preview', { spec: { ...fmnistSpec(), dataset: { name: 'fashion-mnist', path: join(dir, 'nowhere') } } });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as PatchPreview;
    expect(v.samples).toEqual([]);
    expect(v.images.shape).toEqual([0, 28, 28, 1]);
    expect(v.stats).toBeNull();
    expect(v.notes.join(' ')).toMatch(/No sample images: .*nowhere/);
    expect(decode(v.patch.z)).toHaveLength(49);
  });
});
