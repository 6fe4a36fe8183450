// engine/kernels: kernels and gradients tfjs lacks or runs slowly on a backend, and the threaded
// wasm loader. Imports tfjs and Node built-ins (wasmThreads only).
export { registerTrainingKernels, trainingKernelNames, useTrainingKernels } from './registerTrainingKernels';
export { batchNormTrain } from './batchNormTrain';
export type { BatchNormTrainResult } from './batchNormTrain';
export { initWasmThreaded } from './wasmThreads';
export { readableData, sgdUpdateTransposed, writableData } from './inPlace';
export type { TransposedNoiseBlock } from './inPlace';
export type { WasmThreadsResult } from './wasmThreads';
export { oneDnn, oneDnnVersion, ONEDNN_KERNELS } from './onednn';
export { enqueueSyntheticStep, newStepState, ownsStorage, STATE, STATE_HEADER, syntheticEvalChunk, webgpuKernelsAvailable } from './webgpuSynthetic';
export type { StepDecision, SyntheticShapes } from './webgpuSynthetic';
