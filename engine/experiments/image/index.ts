// engine/experiments/image: the image experiments (Section 7, App. G) as one experiment kind.
// The registry (../registry.ts) reads it through this one export.
// Imports tfjs, zod and engine files only.
export { imageKind } from './kind';
export { batchIndices, batchStreams, runImagesFor, shuffleEpoch, stepsPerEpoch } from './batches';
export { PATCH_PREVIEW_LIMITS, PatchPreviewError, patchPreview, patchPreviewFromDataset, patchPreviewWithoutData } from './patchPreview';
export type { ImagePatchPreview, PatchPreviewOptions, PatchPreviewSample, PatchPreviewStats } from './patchPreview';
