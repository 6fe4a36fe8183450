import { describe, expect, it } from 'vitest';
import { initBackend } from '../../backend';
import { runSyntheticExperiment } from './run';
import { sNoiseAgreementSpec } from './testFixtures';

describe('synthetic run on wasm', () => {
  it('matches the cpu backend to float tolerance', async () => {
    const spec = sNoiseAgreementSpec();
    await initBackend({ force: 'cpu' });
    const cpu = await runSyntheticExperiment(spec);
    await initBackend({ force: 'wasm' });
    const wasm = await runSyntheticExperiment(spec);
    for (const k of ['train/loss', 'test/all/loss', 'norm/W', 'norm/V']) {
      expect(wasm.final[k]).toBeCloseTo(cpu.final[k]!, 4);
    }
  });
});
