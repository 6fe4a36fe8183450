// engine/experiments/synthetic: the paper's synthetic experiment (Sections 2-5, App. E).
// Imports tfjs, zod and engine files only.
// PLACEHOLDER until issue 7 lands.
import type { RunHooks, RunOptions, RunResult } from '../types';
import type { SyntheticSpec } from './spec';

export { SyntheticSpecSchema } from './spec';
export type { SyntheticSpec } from './spec';

export async function runSyntheticExperiment(_spec: SyntheticSpec, _hooks: RunHooks = {}, _options: RunOptions = {}): Promise<RunResult> {
  throw new Error('The synthetic experiment is not implemented yet.');
}
