// engine/experiments: runs a RunSpec of any kind. Imports tfjs, zod and engine files only.
import type { RunSpec } from '../spec';
import type { RunHooks, RunOptions, RunResult } from './types';
import { runSyntheticExperiment } from './synthetic';
import { runImageExperiment } from './image';

export type * from './types';

/** Runs one experiment to its end (completed, diverged or stopped). The backend must be initialized. */
export function runExperiment(spec: RunSpec, hooks: RunHooks = {}, options: RunOptions = {}): Promise<RunResult> {
  switch (spec.kind) {
    case 'synthetic':
      return runSyntheticExperiment(spec, hooks, options);
    case 'image':
      return runImageExperiment(spec, hooks, options);
  }
}
export { describeSpec } from './designer';
export type { DerivedValue, SchedulePreview, SpecDescription } from './designer';
