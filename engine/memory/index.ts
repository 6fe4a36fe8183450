// engine/memory: estimates a training step's peak memory and refuses what cannot fit.
// Imports its own files and Node's os module only.
export { estimatePeakMemory, WASM_HEAP_BYTES } from './estimate';
export type { InputShape, MemoryEstimate, MemoryQuery, ModelDescription } from './estimate';
export { modelSizes } from './activations';
export type { ModelSizes } from './activations';
export { DEFAULT_GPU_MEMORY_GB, gpuMemoryBudgetBytes, isGpuBackend, largestTensorBytes } from './gpu';
