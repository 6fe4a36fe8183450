import { describe, expect, it } from 'vitest';
import { initBackend } from '../../backend';
import { runSyntheticExperiment } from './run';
import { SyntheticSpecSchema } from './spec';

describe('synthetic run on wasm', () => {
  it('matches the cpu backend to float tolerance', async () => {
    const spec = SyntheticSpecSchema.parse({
      kind: 'synthetic',
      seed: 2,
      data: { d: 8, N: 64, testSize: 200 },
      model: { width: 16 },
      objective: { lambda: 0.001 },
      gradientNoise: { tauXi: 0.05 },
      init: { tau0: 0.1 },
      algorithm: { name: 'S+noise', eta2: 0.3, noiseTau0: 0.2, annealAt: 10, eps2: 1e-6 },
      stopping: { maxIterations: 20 },
    });
    await initBackend({ force: 'cpu' });
    const cpu = await runSyntheticExperiment(spec);
    await initBackend({ force: 'wasm' });
    const wasm = await runSyntheticExperiment(spec);
    for (const k of ['train/loss', 'test/all/loss', 'norm/W', 'norm/V']) {
      expect(wasm.final[k]).toBeCloseTo(cpu.final[k]!, 4);
    }
  });
});
