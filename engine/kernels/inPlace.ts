/**
 * Direct access to a float32 tensor's storage on the backends that keep it in memory
 * JavaScript can see (the wasm heap, the cpu backend's typed arrays), so an update such as
 * U ← (1 − ηλ)U − η(G + ξ) can run as one fused pass with its noise drawn on the fly instead
 * of five tfjs ops, each allocating and streaming a full-size tensor
 * (engine-performance.md, findings 6 and the "fewer intermediate tensors" item of issue 5).
 *
 * The views are only valid until the next tfjs call (a wasm heap can grow and move), so use
 * them at once and allocate no tensor while holding one. On other backends (tfjs-node, GPU)
 * both functions return null and the caller takes its tfjs-op path.
 */
import * as tf from '@tensorflow/tfjs';

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
