/**
 * Peak memory of one training step, estimated before a run starts, and whether it fits the
 * backend's memory. tfjs keeps every forward activation and every gradient of a step alive
 * until the step's gradient is complete, so the peak is a multiple of the activations:
 *   bytes ≈ 4·(k_arch·B·A + k_p·P + B·I)
 * with A activation values per example (Σ conv outputs), P parameters, I input values.
 * k_arch was measured with tf.profile (engine/memory/calibrate.ts) on engine/models' step,
 * per activation value after 4·P (weights, momentum, gradient, update) and the input, on wasm:
 *   tfjs kernels (XNNPACK):  WRN-16-{1,2,4} (batch 16) 10.4, 9.3, 9.4; small CNN (w16 b64, w32 b128) 14.1, 14.1
 *   oneDNN kernels:          WRN-16-{1,2,4} (batch 16)  9.4, 8.5, 8.4; small CNN 8.4, 8.4
 * (the benchmark's WRN-16-1 step with pre-activation noise at batch 8 needs 10 with oneDNN).
 * (oneDNN's batch norm keeps no per-element intermediates; the small CNN's are a larger share.)
 * The synthetic two-layer net (engine/experiments/synthetic) measures exactly
 * 2·P + 6·B·m + 2·B·I on wasm and cpu, whose update runs in place; elsewhere its update's
 * tfjs ops hold about 4·P more.
 * The coefficients round those up, so the estimate errs on the safe side.
 */
import { freemem, totalmem } from 'node:os';
import { oneDnn } from '../kernels/onednn';
import { modelSizes } from './activations';
import type { InputShape, ModelDescription } from './activations';
import { DEFAULT_GPU_MEMORY_GB, gpuMemoryBudgetBytes, isGpuBackend, largestTensorBytes } from './gpu';

export type { InputShape, ModelDescription } from './activations';

/** The wasm heap is 32-bit: at most 4 GiB, of which the allocator can use a little less. */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;
/** Share of the limit a step may plan to use (allocator fragmentation, non-tensor memory). */
const HEADROOM = 0.9;

/** Which kernels run the convolutions and batch norm: they keep different intermediates. */
export type KernelSet = 'onednn' | 'tfjs';
const ACTIVATION_FACTOR: Record<KernelSet, Record<ModelDescription['arch'], number>> = {
  tfjs: { wrn: 11, 'small-cnn': 15.5, 'two-layer': 7 },
  onednn: { wrn: 10, 'small-cnn': 9.5, 'two-layer': 7 },
};
const PARAM_FACTOR: Record<ModelDescription['arch'], number> = { wrn: 4, 'small-cnn': 4, 'two-layer': 2.5 };
/** Backends where the two-layer update runs in place (engine/kernels/inPlace). */
const IN_PLACE_BACKENDS = new Set(['wasm', 'cpu']);

export interface MemoryQuery {
  readonly model: ModelDescription;
  /** [H, W, C] of the images (ignored by the two-layer net). */
  readonly inputShape: InputShape;
  readonly batch: number;
  /** Our backend name: 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'. */
  readonly backend: string;
  readonly classes?: number;
  /** The kernels the step will run on; by default oneDNN's on wasm where they load, else tfjs'. */
  readonly kernels?: KernelSet;
  /** Override of the memory the backend may use (tests, or a known GPU). */
  readonly limitBytes?: number;
  /**
   * webgpu: the adapter's maxStorageBufferBindingSize, the largest tensor a shader can bind
   * (engine/backend's adapter report); unchecked when absent.
   */
  readonly bufferLimitBytes?: number;
}

export interface MemoryEstimate {
  /** Estimated peak bytes of one training step (weights, optimizer state and data included). */
  readonly bytes: number;
  readonly fits: boolean;
  /** The memory the backend can use. */
  readonly limitBytes: number;
  /** When it does not fit: what does, in words (null when it fits). */
  readonly suggestion: string | null;
  /** One line for people. */
  readonly message: string;
}

/** oneDNN replaces wasm's kernels only (engine/kernels/onednn). */
function defaultKernels(backend: string): KernelSet {
  return backend === 'wasm' && oneDnn().addon ? 'onednn' : 'tfjs';
}

function peakBytes(model: ModelDescription, inputShape: InputShape, batch: number, classes: number, backend: string, kernels: KernelSet): number {
  const s = modelSizes(model, inputShape, classes);
  const twoLayer = model.arch === 'two-layer';
  const paramFactor = PARAM_FACTOR[model.arch] + (twoLayer && !IN_PLACE_BACKENDS.has(backend) ? 4 : 0);
  const inputFactor = twoLayer ? 2 : 1; // the data is kept as X and Xᵀ
  return 4 * (ACTIVATION_FACTOR[kernels][model.arch] * batch * s.activationsPerExample + paramFactor * s.params + inputFactor * batch * s.inputPerExample);
}

function backendLimit(backend: string): number {
  if (backend === 'wasm') return WASM_HEAP_BYTES;
  // WebGPU reports no total memory: the user's GPU budget (engine/memory/gpu.ts).
  if (isGpuBackend(backend)) return gpuMemoryBudgetBytes();
  // cpu and native TensorFlow allocate outside any fixed heap: the machine's memory bounds
  // them (what is free now, plus what the OS can reclaim — take the larger of free and
  // half the total).
  return Math.max(freemem(), totalmem() / 2);
}

function fmt(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

function describeModel(m: ModelDescription): string {
  if (m.arch === 'wrn') return `WRN-${m.depth}-${m.widen}`;
  if (m.arch === 'small-cnn') return `small CNN (width ${m.width})`;
  return `two-layer net (input ${m.inputDim}, width ${m.width})`;
}

/** The nearest settings that fit: the model made narrower at this batch, or the batch made smaller. */
function nearestFitting(q: MemoryQuery, budget: number, classes: number, kernels: KernelSet): string {
  const fits = (m: ModelDescription, b: number): boolean =>
    peakBytes(m, q.inputShape, b, classes, q.backend, kernels) <= budget && (q.bufferLimitBytes === undefined || largestTensorBytes(m, q.inputShape, b) <= q.bufferLimitBytes);
  const options: string[] = [];
  const m = q.model;
  if (m.arch === 'wrn') {
    for (let k = m.widen - 1; k >= 1; k--) {
      if (fits({ ...m, widen: k }, q.batch)) {
        options.push(`widen factor ${k} (WRN-${m.depth}-${k}) at batch ${q.batch}`);
        break;
      }
    }
  } else if (m.arch === 'small-cnn') {
    for (let w = m.width - 1; w >= 1; w--) {
      if (fits({ ...m, width: w }, q.batch)) {
        options.push(`width ${w} at batch ${q.batch}`);
        break;
      }
    }
  } else {
    for (let w = Math.floor(m.width / 2); w >= 1; w = Math.floor(w / 2)) {
      if (fits({ ...m, width: w }, q.batch)) {
        options.push(`width ${w} at batch ${q.batch}`);
        break;
      }
    }
  }
  for (let b = q.batch - 1; b >= 1; b--) {
    if (fits(m, b)) {
      options.push(`batch ${b} with ${describeModel(m)}`);
      break;
    }
  }
  if (q.backend === 'wasm') options.push('a native backend (tfjs-node, tfjs-node-gpu), which has no 4 GiB heap');
  return options.length ? `Nearest settings that fit: ${options.join('; or ')}.` : 'No smaller setting of this model fits.';
}

/** Estimates one training step's peak memory for a model, input, batch and backend. */
export function estimatePeakMemory(q: MemoryQuery): MemoryEstimate {
  if (!Number.isInteger(q.batch) || q.batch < 1) throw new RangeError(`batch must be a positive integer, got ${q.batch}`);
  const classes = q.classes ?? 10;
  const kernels = q.kernels ?? defaultKernels(q.backend);
  const bytes = peakBytes(q.model, q.inputShape, q.batch, classes, q.backend, kernels);
  const limitBytes = q.limitBytes ?? backendLimit(q.backend);
  const budget = HEADROOM * limitBytes;
  const largest = largestTensorBytes(q.model, q.inputShape, q.batch);
  const bufferOk = q.bufferLimitBytes === undefined || largest <= q.bufferLimitBytes;
  const fits = bytes <= budget && bufferOk;
  const what = `${describeModel(q.model)} at batch ${q.batch} on ${q.backend}`;
  const gpu = isGpuBackend(q.backend);
  const budgetNote =
    gpu && q.limitBytes === undefined
      ? ` (a GPU memory budget: WebGPU reports no total GPU memory; set LRLAB_GPU_MEMORY_GB to your GPU's, default ${DEFAULT_GPU_MEMORY_GB})`
      : '';
  if (fits) {
    return { bytes, fits, limitBytes, suggestion: null, message: `${what} needs about ${fmt(bytes)} of ${fmt(limitBytes)}${budgetNote}.` };
  }
  const suggestion = nearestFitting(q, budget, classes, kernels);
  if (!bufferOk) {
    return {
      bytes,
      fits,
      limitBytes,
      suggestion,
      message: `${what} has a ${fmt(largest)} tensor, larger than the adapter's largest buffer a shader can bind (maxStorageBufferBindingSize ${fmt(q.bufferLimitBytes ?? 0)}). ${suggestion}`,
    };
  }
  const why = q.backend === 'wasm' ? 'the wasm backend’s 32-bit heap' : gpu ? 'the GPU memory budget' : 'this machine’s memory';
  return {
    bytes,
    fits,
    limitBytes,
    suggestion,
    message: `${what} needs about ${fmt(bytes)} per training step, more than ${why} allows (${fmt(budget)} usable of ${fmt(limitBytes)}${budgetNote}). ${suggestion}`,
  };
}
