// engine/data: image dataset loaders (CIFAR-10 binary, IDX), normalization, patch augmentation.
// Imports Node built-ins (fs, zlib, crypto), engine/random and its own files; no tfjs.
export { DatasetFileError } from './errors';
export type { DatasetName, ImageDataset, ImageSplit, ProgressCallback } from './types';
export { DATASET_FACTS } from './types';
export { NORMALIZATION, normalizer } from './normalize';
export type { Normalizer } from './normalize';
export { parseIdx, readIdxFile, readIdxPair } from './idx';
export { CIFAR10_ARCHIVE_MAX_BYTES, CIFAR10_BATCH_MAX_BYTES, CIFAR10_TAR_MD5, CIFAR10_RECORD_BYTES, CIFAR10_UNPACKED_MAX_BYTES, loadCifar10, parseCifarBatch } from './cifar10';
export { TarParser, readTarGz } from './tar';
export { clearDatasetCache, defaultDatasetDirs, listKnownDatasets, loadDataset } from './datasets';
export type { KnownDataset, LoadDatasetOptions } from './datasets';
export { applyPatch, choosePatched, drawLoad, drawPatches, patchStart } from './patch';
export type { ImageGeometry, LoadDraw, LoadKind, Patches, PatchParams } from './patch';
export { fillTrainBatch, prepareRunImages, subsetIndices } from './imageSets';
export type { BatchStats, ImageSet, PatchSetup, RunImages, RunImagesOptions } from './imageSets';
