/**
 * GPU memory for the memory check. WebGPU tells an adapter's per-buffer limits
 * (maxStorageBufferBindingSize: the largest tensor a shader may bind; maxBufferSize) but not
 * the GPU's total memory, so the total is a budget the user sets: LRLAB_GPU_MEMORY_GB, by
 * default 16 GiB (the smaller of common training GPUs; a WRN-16-10 step at batch 128 is
 * estimated at ~8 GiB). tfjs-node-gpu's TensorFlow takes the same budget.
 */
import { modelSizes } from './activations';
import type { InputShape, ModelDescription } from './activations';

export const DEFAULT_GPU_MEMORY_GB = 16;

/** Backends whose tensors live in GPU memory. */
export function isGpuBackend(backend: string): boolean {
  return backend === 'webgpu' || backend === 'tensorflow-gpu';
}

/** The GPU memory budget in bytes: LRLAB_GPU_MEMORY_GB, else 16 GiB. Bad values are an error that says so. */
export function gpuMemoryBudgetBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['LRLAB_GPU_MEMORY_GB'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_GPU_MEMORY_GB * 1024 ** 3;
  const gb = Number(raw);
  if (!Number.isFinite(gb) || gb <= 0) throw new RangeError(`LRLAB_GPU_MEMORY_GB must be a positive number of GiB (e.g. 24), got "${raw}"`);
  return gb * 1024 ** 3;
}

/**
 * Bytes of the largest single tensor of a training step: a layer's output (or its gradient)
 * over the batch, a weight, or the input batch. On webgpu each must fit one storage binding.
 */
export function largestTensorBytes(model: ModelDescription, inputShape: InputShape, batch: number): number {
  if (model.arch === 'two-layer') return 4 * Math.max(model.inputDim * model.width, batch * model.width, batch * model.inputDim);
  const [h0, w0, c0] = inputShape;
  let largest = h0 * w0 * c0;
  // Walk the same layers as modelSizes: each conv's output per example, and its weight.
  let h = h0;
  let w = w0;
  let cin = c0;
  const conv = (k: number, cout: number, stride: number): void => {
    h = Math.ceil(h / stride);
    w = Math.ceil(w / stride);
    largest = Math.max(largest, h * w * cout, (k * k * cin * cout) / batch);
  };
  if (model.arch === 'wrn') {
    modelSizes(model, inputShape); // validates the depth
    conv(3, 16, 1);
    cin = 16;
    const n = (model.depth - 4) / 6;
    [16, 32, 64].forEach((base, g) => {
      for (let b = 0; b < n; b++) {
        conv(3, base * model.widen, b === 0 && g > 0 ? 2 : 1);
        cin = base * model.widen;
      }
    });
  } else {
    [1, 2, 4].forEach((m, i) => {
      conv(3, m * model.width, i === 0 ? 1 : 2);
      cin = m * model.width;
    });
  }
  return 4 * batch * largest;
}
