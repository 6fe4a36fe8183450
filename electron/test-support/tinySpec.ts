/**
 * The host tests' tiny synthetic run: S on d = 16 with 64 training examples and a width-32
 * network, small enough that a test trains hundreds of steps through the queue, a worker or
 * Slurm. One copy for the queue, executor, ingester and Slurm tests.
 */
import { parseRunSpec, type RunSpec } from '../../engine/spec';

export interface TinyOptions {
  readonly seed?: number;
  readonly backend?: 'cpu' | 'wasm';
  /** Gradient noise std (0: none, the schema's default). */
  readonly tauXi?: number;
  readonly checkpointEvery?: number;
}

/** The spec as a client sends it (unparsed input). */
export function tinySyntheticInput(maxIterations: number, { seed = 1, backend = 'wasm', tauXi = 0.01, checkpointEvery = 100 }: TinyOptions = {}) {
  return {
    kind: 'synthetic',
    seed,
    backend,
    data: { d: 16, N: 64, testSize: 200 },
    model: { width: 32 },
    algorithm: { name: 'S', eta2: 0.05, eps2prime: 1e-9 },
    gradientNoise: { tauXi },
    init: { tau0: 0.05 },
    stopping: { maxIterations },
    logging: { every: 10, checkpointEvery },
  };
}

/** The same, parsed (defaults filled in). */
export function tinySyntheticSpec(maxIterations: number, options: TinyOptions = {}): RunSpec {
  return parseRunSpec(tinySyntheticInput(maxIterations, options));
}
