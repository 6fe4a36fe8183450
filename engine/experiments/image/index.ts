// engine/experiments/image: image experiments (Section 7, App. G): training loop, metrics,
// checkpoints. Imports tfjs, zod and engine files only.
export { ImageSpecSchema } from './spec';
export type { ImageSpec, ImageSpecInput } from './spec';
export { estimateWasmGb, evaluateSet, runImageExperiment } from './run';
export type { ImageRunExtras } from './run';
export { encodeCheckpoint, readCheckpointHeader, restoreCheckpoint } from './checkpoint';
export type { ImageCheckpointState } from './checkpoint';
export { IMAGE_METRIC_KEYS } from './metrics';
export type { ImageMetricKey } from './metrics';
export { imageKind } from './kind';
export { batchIndices, batchStreams, runImagesFor, shuffleEpoch, stepsPerEpoch } from './batches';
export { CLASS_NAMES, PATCH_PREVIEW_LIMITS, PatchPreviewError, patchPreview, patchPreviewFromDataset, patchPreviewWithoutData } from './patchPreview';
export type { ImagePatchPreview, PatchPreviewOptions, PatchPreviewSample, PatchPreviewStats } from './patchPreview';
