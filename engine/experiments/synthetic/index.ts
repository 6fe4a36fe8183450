// engine/experiments/synthetic: the paper's synthetic experiment (Sections 2-5, App. E) as one
// experiment kind. The registry (../registry.ts) reads it through this one export.
// Imports tfjs, zod and engine files only.
export { syntheticKind } from './kind';
