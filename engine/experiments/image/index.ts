// engine/experiments/image: image experiments (Section 7, App. G). Imports tfjs, zod, engine files.
// PLACEHOLDER until issue 8 lands.
import type { RunHooks, RunOptions, RunResult } from '../types';
import type { ImageSpec } from './spec';

export { ImageSpecSchema } from './spec';
export type { ImageSpec } from './spec';

export async function runImageExperiment(_spec: ImageSpec, _hooks: RunHooks = {}, _options: RunOptions = {}): Promise<RunResult> {
  throw new Error('Image experiments are not implemented yet.');
}
