// engine/experiments: the experiment-kind registry and running a RunSpec of any kind.
// Imports tfjs, zod and engine files only.
import type { RunSpec } from '../spec';
import type { RunHooks, RunOptions, RunResult } from './types';
import type { SpecDescription } from './kind';
import { experiments } from './registry';

export type * from './types';
export type { DerivedValue, ExperimentKind, FieldMeta, KindCapabilities, KindInfo, MemoryModel, MetricInfo, PaperLayout, RegimeMapModel, ScheduleCurve, SpecDescription } from './kind';
export { metric } from './kind';
export { BUILTIN_KINDS, createRegistry, experiments } from './registry';
export type { AnySpec, ExperimentRegistry } from './registry';

/** Runs one experiment to its end (completed, diverged or stopped). The backend must be initialized. */
export function runExperiment(spec: RunSpec, hooks: RunHooks = {}, options: RunOptions = {}): Promise<RunResult> {
  return experiments.run(spec, hooks, options);
}

/** What the designer shows beside a spec: derived values, the schedule, step count. */
export function describeSpec(spec: RunSpec): SpecDescription {
  return experiments.describe(spec);
}
