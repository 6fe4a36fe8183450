/** Before a run starts: will its training step fit in the chosen backend's memory? */
import { currentBackend } from '../../../engine/backend';
import { estimatePeakMemory, type MemoryEstimate, type ModelDescription } from '../../../engine/memory';
import { resolveSyntheticSpec } from '../../../engine/experiments/synthetic/resolve';
import type { RunSpec } from '../../../engine/spec';

/** The memory estimate of one training step of `spec` on `backend`. */
export function estimateRunMemory(spec: RunSpec, backend: string): MemoryEstimate {
  if (spec.kind === 'synthetic') {
    const r = resolveSyntheticSpec(spec).resolved;
    const model: ModelDescription = { arch: 'two-layer', inputDim: 2 * r.d, width: r.m };
    return estimatePeakMemory({ model, inputShape: [1, 1, 1], batch: r.batchSize ?? r.N, backend });
  }
  const model: ModelDescription =
    spec.model.arch === 'wrn' ? { arch: 'wrn', depth: spec.model.depth, widen: spec.model.widen } : { arch: 'small-cnn', width: spec.model.width };
  const inputShape = spec.dataset.name === 'cifar10' ? ([32, 32, 3] as const) : ([28, 28, 1] as const);
  return estimatePeakMemory({ model, inputShape, batch: spec.optim.batchSize, backend, ...bufferLimit(backend) });
}

/** On webgpu, the adapter's largest bindable buffer, when this process has found the adapter. */
function bufferLimit(backend: string): { bufferLimitBytes?: number } {
  const limit = backend === 'webgpu' ? currentBackend()?.adapter?.limits['maxStorageBufferBindingSize'] : undefined;
  return limit !== undefined ? { bufferLimitBytes: limit } : {};
}
