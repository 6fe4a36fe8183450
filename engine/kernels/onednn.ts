/**
 * oneDNN kernels for the wasm backend: convolutions (forward, both gradients) and matmuls run
 * in native oneDNN (Intel's deep-learning primitives, the library PyTorch's CPU convolutions
 * use) on the tensors' float32 storage in the wasm heap, instead of XNNPACK's 128-bit wasm
 * SIMD. On this machine kind (AVX-512) that is 115–205 GFLOP/s against XNNPACK's 20–45
 * (engine/bench, GEMM ceiling line), which bounds every conv net's step on wasm.
 *
 * The addon (engine/kernels/onednn/onednn.cc, N-API) is built by `npm install` where the
 * system has oneDNN (Debian: `apt-get install libdnnl-dev`) and is optional: without it, or
 * with LRLAB_ONEDNN=0, the engine runs the XNNPACK kernels, and the backend report says which.
 * Training-mode batch norm gets two kernels of its own (forward with batch statistics, and
 * its backward), which engine/kernels/batchNormTrain calls where they are registered.
 * Each kernel falls back to the one it replaced for what it does not cover (dilations, NCHW,
 * broadcasting batch matmuls, fused bias or activation).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useNativeNormals } from '../random';
import type { NativeNormalFill } from '../random';

interface OneDnnAddon {
  batchNorm(shape: number[], eps: number, x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, mean: Float32Array, variance: Float32Array): void;
  batchNormGrad(
    shape: number[],
    eps: number,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dy: Float32Array,
    gamma: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
  ): void;
  conv2d(kind: 0 | 1 | 2, geometry: number[], x: Float32Array, w: Float32Array, y: Float32Array): void;
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void;
  /** Absent from builds made before it existed (`npm run build:kernels` rebuilds). */
  fillNormal?: NativeNormalFill;
  /** engine/kernels/inPlace's sgdUpdateTransposed (absent from older builds too). */
  sgdUpdate?(u: Float32Array, g: Float32Array, xi: Float32Array, lr: number, lambda: number, r0: number, rows: number, D: number, m: number): void;
  version(): string;
}

const ADDON = 'engine/kernels/onednn/build/Release/lrlab_onednn.node';

/** The built addon: LRLAB_ONEDNN_ADDON, or the project's build, found from this file upward (it may be bundled into out/). */
export function addonPath(): string | null {
  const explicit = process.env['LRLAB_ONEDNN_ADDON'];
  if (explicit) return resolve(explicit);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, ADDON);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return null;
}

let loaded: { addon: OneDnnAddon | null; reason: string | null } | null = null;

/** Loads the addon once; null with the reason when it is off, not built or fails to load. */
export function oneDnn(): { addon: OneDnnAddon | null; reason: string | null } {
  if (loaded) return loaded;
  const off = process.env['LRLAB_ONEDNN'];
  if (off === '0' || off === 'false') return (loaded = { addon: null, reason: 'turned off by LRLAB_ONEDNN=0' });
  const path = addonPath();
  if (!path) {
    return (loaded = {
      addon: null,
      reason: 'not built (install oneDNN — Debian: apt-get install libdnnl-dev — then run npm run build:kernels)',
    });
  }
  // OpenMP workers must not spin between calls: they would take the cores from XNNPACK's
  // threads and from JavaScript (libgomp reads this when it loads).
  process.env['OMP_WAIT_POLICY'] ??= 'PASSIVE';
  try {
    const addon = createRequire(import.meta.url)(path) as OneDnnAddon;
    addon.version();
    if (addon.fillNormal) useNativeNormals(addon.fillNormal.bind(addon));
    return (loaded = { addon, reason: null });
  } catch (e) {
    return (loaded = { addon: null, reason: `failed to load ${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` });
  }
}

/** "oneDNN 2.6.3" when the kernels are in use, else null. */
export function oneDnnVersion(): string | null {
  const { addon } = oneDnn();
  return addon ? `oneDNN ${addon.version()}` : null;
}

interface WasmBackendLike {
  readonly wasm: { readonly HEAPU8: Uint8Array };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

/** A float32 view of a tensor's storage in the wasm heap (valid until the next allocation). */
function heapView(b: WasmBackendLike, t: TensorInfo): Float32Array {
  const info = b.dataIdMap.get(t.dataId);
  if (!info || info.memoryOffset === null) throw new Error('oneDNN kernel: tensor is not in the wasm heap');
  const size = t.shape.reduce((a, d) => a * d, 1);
  return new Float32Array(b.wasm.HEAPU8.buffer, info.memoryOffset, size);
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** oneDNN's 15-number geometry, or null where it does not apply (then the fallback runs). */
function convGeometry(xShape: number[], filterShape: number[], a: ConvAttrs): number[] | null {
  if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC' && a.dataFormat !== 'channelsLast') return null;
  const c = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
  );
  if (c.dilationHeight !== 1 || c.dilationWidth !== 1) return null;
  const bottom = (c.outHeight - 1) * c.strideHeight + c.filterHeight - c.inHeight - c.padInfo.top;
  const right = (c.outWidth - 1) * c.strideWidth + c.filterWidth - c.inWidth - c.padInfo.left;
  if (bottom < 0 || right < 0 || c.padInfo.top < 0 || c.padInfo.left < 0) return null;
  return [
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.padInfo.top, c.padInfo.left, bottom, right,
  ];
}

function isFloat(...ts: TensorInfo[]): boolean {
  return ts.every((t) => t.dtype === 'float32');
}

function conv2dForward(addon: OneDnnAddon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const g = isFloat(x, filter) ? convGeometry(x.shape, filter.shape, args.attrs as unknown as ConvAttrs) : null;
    if (!g) return fallback(args);
    const b = args.backend as WasmBackendLike;
    const out = b.makeOutput([g[0]!, g[4]!, g[5]!, g[6]!], 'float32');
    addon.conv2d(0, g, heapView(b, x), heapView(b, filter), heapView(b, out));
    return out;
  };
}

function conv2dBackpropFilter(addon: OneDnnAddon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const a = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    const g = isFloat(x, dy) ? convGeometry(x.shape, a.filterShape, a) : null;
    if (!g) return fallback(args);
    const b = args.backend as WasmBackendLike;
    const out = b.makeOutput([...a.filterShape], 'float32');
    addon.conv2d(1, g, heapView(b, x), heapView(b, out), heapView(b, dy));
    return out;
  };
}

function conv2dBackpropInput(addon: OneDnnAddon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
    const g = isFloat(dy, filter) ? convGeometry(a.inputShape, filter.shape, a) : null;
    if (!g) return fallback(args);
    const b = args.backend as WasmBackendLike;
    const out = b.makeOutput([...a.inputShape], 'float32');
    addon.conv2d(2, g, heapView(b, out), heapView(b, filter), heapView(b, dy));
    return out;
  };
}

/** BatchMatMul with equal batch dimensions (no broadcasting): one sgemm per batch entry. */
function batchMatMul(addon: OneDnnAddon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const ra = a.shape.length;
    if (!isFloat(a, b) || ra < 2 || b.shape.length !== ra || a.shape.slice(0, -2).some((d, i) => d !== b.shape[i])) return fallback(args);
    const batch = a.shape.slice(0, -2).reduce((p, d) => p * d, 1);
    const [a0, a1] = a.shape.slice(-2) as [number, number];
    const [b0, b1] = b.shape.slice(-2) as [number, number];
    const m = transposeA ? a1 : a0;
    const k = transposeA ? a0 : a1;
    const n = transposeB ? b0 : b1;
    if ((transposeB ? b1 : b0) !== k) return fallback(args);
    const be = args.backend as WasmBackendLike;
    const out = be.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
    const av = heapView(be, a);
    const bv = heapView(be, b);
    const cv = heapView(be, out);
    for (let i = 0; i < batch; i++) {
      addon.sgemm(transposeA, transposeB, m, n, k, av.subarray(i * m * k, (i + 1) * m * k), bv.subarray(i * k * n, (i + 1) * k * n), cv.subarray(i * m * n, (i + 1) * m * n));
    }
    return out;
  };
}

const BUILDERS: Record<string, (addon: OneDnnAddon, fallback: KernelFunc) => KernelFunc> = {
  Conv2D: conv2dForward,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  Conv2DBackpropInput: conv2dBackpropInput,
  BatchMatMul: batchMatMul,
};

/** The kernels oneDNN replaces (when the addon is there). */
export const ONEDNN_KERNELS = Object.keys(BUILDERS);

/**
 * Wraps `fallback` (the kernel that would run otherwise) with oneDNN for the wasm backend,
 * or returns null when the addon is not available or the kernel is not one it covers.
 */
export function oneDnnKernel(fallback: KernelConfig): KernelConfig | null {
  const build = BUILDERS[fallback.kernelName];
  const { addon } = oneDnn();
  if (!build || !addon || fallback.backendName !== 'wasm') return null;
  return { ...fallback, kernelFunc: build(addon, fallback.kernelFunc) };
}

/** Names of the batch-norm kernels (inputs x, gamma, beta → y, mean, variance; and its gradient). */
export const BN_TRAIN_KERNEL = 'LrlabBatchNormTrain';
export const BN_TRAIN_GRAD_KERNEL = 'LrlabBatchNormTrainGrad';

/** The batch-norm kernels for the wasm backend, when the addon is there. */
export function oneDnnBatchNormKernels(backendName: string): KernelConfig[] {
  const { addon } = oneDnn();
  if (!addon || backendName !== 'wasm') return [];
  const forward: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    const b = backend as WasmBackendLike;
    const c = x.shape[3]!;
    const outs = [b.makeOutput([...x.shape], 'float32'), b.makeOutput([c], 'float32'), b.makeOutput([c], 'float32')];
    const [y, mean, variance] = outs.map((t) => heapView(b, t)) as [Float32Array, Float32Array, Float32Array];
    addon.batchNorm(x.shape, (attrs as { eps: number }).eps, heapView(b, x), heapView(b, gamma), heapView(b, beta), y, mean, variance);
    return outs;
  };
  const backward: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, mean, variance, dy, gamma } = inputs as Record<'x' | 'mean' | 'variance' | 'dy' | 'gamma', TensorInfo>;
    const b = backend as WasmBackendLike;
    const c = x.shape[3]!;
    const outs = [b.makeOutput([...x.shape], 'float32'), b.makeOutput([c], 'float32'), b.makeOutput([c], 'float32')];
    const [dx, dgamma, dbeta] = outs.map((t) => heapView(b, t)) as [Float32Array, Float32Array, Float32Array];
    const v = (t: TensorInfo): Float32Array => heapView(b, t);
    addon.batchNormGrad(x.shape, (attrs as { eps: number }).eps, v(x), v(mean), v(variance), v(dy), v(gamma), dx, dgamma, dbeta);
    return outs;
  };
  return [
    { kernelName: BN_TRAIN_KERNEL, backendName, kernelFunc: forward },
    { kernelName: BN_TRAIN_GRAD_KERNEL, backendName, kernelFunc: backward },
  ];
}
