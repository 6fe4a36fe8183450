/**
 * Calls other kernels of one backend from inside a kernel, the way tfjs backends compose
 * their own kernels: outputs are TensorInfos owned by the backend, so every intermediate
 * is released with `backend.disposeData` before the kernel returns.
 */
import * as tf from '@tensorflow/tfjs';
import type { DataId, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

interface DisposingBackend {
  disposeData(dataId: DataId, force?: boolean): boolean;
}

export interface KernelRunner {
  /** Runs kernel `name` on this backend; its output is released by `release` unless kept. */
  run(name: string, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap): TensorInfo;
  /** Releases every intermediate except `keep` (the kernel's result). */
  release(keep: TensorInfo): TensorInfo;
}

/** `backend` is the kernel's own backend object (typed `{}` by tfjs's KernelFunc). */
export function kernelRunner(backend: object, backendName: string): KernelRunner {
  const owner = backend as DisposingBackend;
  const temps: TensorInfo[] = [];
  return {
    run(name, inputs, attrs = {}) {
      const kernel = tf.getKernel(name, backendName);
      if (!kernel) throw new Error(`kernel ${name} is not registered for backend ${backendName}`);
      const out = kernel.kernelFunc({ inputs, backend, attrs });
      const info = Array.isArray(out) ? out[0] : out;
      if (!info) throw new Error(`kernel ${name} returned no output`);
      temps.push(info);
      return info;
    },
    release(keep) {
      for (const t of temps) if (t !== keep) owner.disposeData(t.dataId);
      temps.length = 0;
      return keep;
    },
  };
}
