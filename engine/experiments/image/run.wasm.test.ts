import { describe, expect, it } from 'vitest';
import { initBackend } from '../../backend';
import type { ImageDataset } from '../../data';
import { Rng } from '../../random';
import type { MetricRecord } from '../types';
import { runImageExperiment } from './run';
import { ImageSpecSchema } from './spec';
import { tinyImageSpec } from './testFixtures';

function dataset(): ImageDataset {
  const make = (n: number, seed: number) => {
    const rng = Rng.fromSeed(seed);
    return { pixels: Uint8Array.from({ length: n * 100 }, () => rng.int(256)), labels: Uint8Array.from({ length: n }, () => rng.int(3)), count: n };
  };
  return { name: 'mnist', source: 'memory', height: 10, width: 10, channels: 1, classes: 3, train: make(48, 1), test: make(24, 2), mean: [0.5], std: [0.3] };
}

describe('image experiment on wasm', () => {
  it('trains a conv net on wasm with the same metrics as cpu (1e-3 relative)', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ force: backend });
      const spec = tinyImageSpec(backend);
      const recs: MetricRecord[] = [];
      const r = await runImageExperiment(spec, { onMetrics: (m) => recs.push(m) }, { dataset: dataset() });
      expect(r.status).toBe('completed');
      return recs;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (let e = 0; e < 2; e++) {
      for (const [k, v] of Object.entries(cpu[e]?.values ?? {})) {
        const w = wasm[e]?.values[k] ?? NaN;
        expect(Math.abs(w - v) / (Math.abs(v) + 1e-3), `${k} epoch ${e + 1}`).toBeLessThan(1e-3);
      }
    }
  });

  it('refuses, before building it, a model that cannot fit in wasm memory (WRN-16-10, batch 128)', async () => {
    await initBackend({ force: 'wasm' });
    const make = (n: number) => ({ pixels: new Uint8Array(n * 32 * 32 * 3), labels: new Uint8Array(n), count: n });
    const ds: ImageDataset = { name: 'cifar10', source: 'memory', height: 32, width: 32, channels: 3, classes: 10, train: make(4), test: make(2), mean: [0, 0, 0], std: [1, 1, 1] };
    const spec = ImageSpecSchema.parse({ kind: 'image', seed: 1, backend: 'wasm', patch: { patchOnlyValCount: 10 } });
    await expect(runImageExperiment(spec, {}, { dataset: ds })).rejects.toThrow(/more than the wasm backend's 4 GiB: use the tensorflow or tensorflow-gpu backend/);
  });
});
