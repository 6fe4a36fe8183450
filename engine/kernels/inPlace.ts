/**
 * Direct access to a float32 tensor's storage on the backends that keep it in memory
 * JavaScript can see (the wasm heap, the cpu backend's typed arrays), so an update such as
 * U ← (1 − ηλ)U − η(G + ξ) can run as one fused pass with its noise drawn on the fly instead
 * of five tfjs ops, each allocating and streaming a full-size tensor
 * (docs/engine-performance.md finding 6: noise drawn fast and without extra full-size tensors).
 *
 * The views are only valid until the next tfjs call (a wasm heap can grow and move), so use
 * them at once and allocate no tensor while holding one. On other backends (tfjs-node, GPU)
 * both functions return null and the caller takes its tfjs-op path.
 */
import * as tf from '@tensorflow/tfjs';
import { oneDnn } from './onednn';

interface WasmBackendLike {
  readonly wasm: { readonly HEAPU8: Uint8Array };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  refCount(dataId: object): number;
}

interface CpuBackendLike {
  readonly data: { get(dataId: object): { values: unknown } | undefined };
  refCount(dataId: object): number;
}

function view(t: tf.Tensor, forWrite: boolean): Float32Array | null {
  if (t.dtype !== 'float32' || t.isDisposed) return null;
  const name = tf.getBackend();
  const backend = tf.backend() as unknown;
  // A tensor sharing its storage with another (a reshape, a clone) must not be written in place.
  const shared = (b: { refCount(id: object): number }): boolean => forWrite && b.refCount(t.dataId) !== 1;
  if (name === 'wasm') {
    const b = backend as WasmBackendLike;
    const info = b.dataIdMap.get(t.dataId);
    if (!info || info.memoryOffset === null || shared(b)) return null;
    return new Float32Array(b.wasm.HEAPU8.buffer, info.memoryOffset, t.size);
  }
  if (name === 'cpu') {
    const b = backend as CpuBackendLike;
    const values = b.data.get(t.dataId)?.values;
    if (!(values instanceof Float32Array) || values.length !== t.size || shared(b)) return null;
    return values;
  }
  return null;
}

/** The tensor's float32 storage for reading, or null where the backend keeps it elsewhere. */
export function readableData(t: tf.Tensor): Float32Array | null {
  return view(t, false);
}

/**
 * The tensor's float32 storage for writing in place, or null where that is not possible
 * (another backend, or storage shared with another tensor). Writing it changes the tensor's
 * value without a new tensor: never use it on a tensor a backend caches derived data for
 * (on wasm, the right operand of a matMul or the filter of a conv2d, whose packed copies are
 * cached by tensor id).
 */
export function writableData(t: tf.Tensor): Float32Array | null {
  return view(t, true);
}

/** Rows r0..r0+rows−1 of a [D, m] noise draw, row-major (ξ[r·m + c] belongs at u[c·D + r0 + r]). */
export interface TransposedNoiseBlock {
  readonly data: Float32Array;
  readonly r0: number;
  readonly rows: number;
}

/**
 * u ← u − lr·(g + λu + ξ) in place on [m, D] storage (from `writableData`/`readableData`),
 * with ξ given as a block of rows of its transpose (or null: no noise, the whole of u).
 * Native where the oneDNN addon is built (tiled: u's and ξ's strides are powers of two, which
 * a plain loop turns into cache-set conflicts), else the same arithmetic in JavaScript: each
 * value in double, rounded to float32 once, so both give identical numbers.
 */
export function sgdUpdateTransposed(u: Float32Array, g: Float32Array, lr: number, lambda: number, D: number, m: number, xi: TransposedNoiseBlock | null): void {
  const native = oneDnn().addon?.sgdUpdate;
  if (native) native(u, g, xi ? xi.data : EMPTY, lr, lambda, xi?.r0 ?? 0, xi?.rows ?? 0, D, m);
  else sgdUpdateTransposedJs(u, g, lr, lambda, D, m, xi);
}
const EMPTY = new Float32Array(0);

/** `sgdUpdateTransposed` in JavaScript (exported for the test that holds the native one to it). */
export function sgdUpdateTransposedJs(u: Float32Array, g: Float32Array, lr: number, lambda: number, D: number, m: number, xi: TransposedNoiseBlock | null): void {
  if (!xi) {
    for (let i = 0; i < u.length; i++) u[i] = u[i]! - lr * (g[i]! + lambda * u[i]!);
    return;
  }
  const { data, r0, rows } = xi;
  for (let c = 0; c < m; c++) {
    const base = c * D + r0;
    for (let r = 0; r < rows; r++) {
      const i = base + r;
      u[i] = u[i]! - lr * (g[i]! + lambda * u[i]! + data[r * m + c]!);
    }
  }
}
