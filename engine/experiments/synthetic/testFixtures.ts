/** A synthetic spec that the backend-agreement tests share (tests only). */
import { SyntheticSpecSchema, type SyntheticSpec } from './spec';

/**
 * 20 steps of S+noise on a d=8, m=16 toy: gradient noise, pre-activation noise annealed at step
 * 10 and an L2 term, so one short run exercises every random and scheduled part of a synthetic
 * step. The wasm-vs-cpu (synthetic/backends.test.ts) and webgpu-vs-cpu (webgpu.test.ts) runs.
 */
export function sNoiseAgreementSpec(): SyntheticSpec {
  return SyntheticSpecSchema.parse({
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
}
