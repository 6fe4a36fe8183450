// engine/experiments/image: the image experiments (Section 7, App. G) as one experiment kind
// (the registry, ../registry.ts, reads `imageKind`), plus the spec and the batch code the host's
// patch visualizer uses. Imports tfjs, zod and engine files only.
export { imageKind } from './kind';
export { ImageSpecSchema } from './spec';
export type { ImageSpec, ImageSpecInput } from './spec';
export { batchIndices, batchStreams, runImagesFor, shuffleEpoch, stepsPerEpoch } from './batches';
export { CLASS_NAMES, PATCH_PREVIEW_LIMITS, PatchPreviewError, patchPreview, patchPreviewFromDataset, patchPreviewWithoutData } from './patchPreview';
export type { ImagePatchPreview, PatchPreviewOptions, PatchPreviewSample, PatchPreviewStats } from './patchPreview';
