// engine/experiments/synthetic: the paper's synthetic experiment (Sections 2-5, App. E).
// Imports tfjs, zod and engine files only.
export { SyntheticSpecSchema } from './spec';
export type { SyntheticSpec, SyntheticSpecInput, SyntheticAlgorithm } from './spec';
export { resolveSyntheticSpec, stationaryTau0 } from './resolve';
export type { ResolvedSynthetic } from './resolve';
export { runSyntheticExperiment, setupSynthetic } from './run';
export type { SyntheticSetup } from './run';
export { SYNTHETIC_METRIC_KEYS } from './metrics';
export type { SyntheticMetricKey } from './metrics';
export { referenceGradient, referenceStep } from './reference';
export type { ReferenceNet } from './reference';
export { syntheticKind } from './kind';
