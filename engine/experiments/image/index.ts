// engine/experiments/image: the image experiments (Section 7, App. G) as one experiment kind.
// The registry (../registry.ts) reads it through this one export.
// Imports tfjs, zod and engine files only.
export { imageKind } from './kind';
