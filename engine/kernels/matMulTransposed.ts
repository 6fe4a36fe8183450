/**
 * `BatchMatMul` with transposed operands, made explicit. tfjs-backend-wasm sends a matmul
 * to XNNPACK only when neither operand is transposed (and there is one batch); otherwise it
 * runs a scalar loop ~20× slower. Autodiff of `matMul` always asks for transposed operands
 * (dA = dY·Bᵀ, dB = Aᵀ·dY), so on wasm we transpose first and call the fast kernel: the
 * extra copy is O(size) against the O(size^1.5) product.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelRunner } from './kernelRunner';

/** Wraps the backend's own `BatchMatMul` or `_FusedMatMul` (`original`). */
export function matMulExplicitTranspose(backendName: string, original: KernelConfig): KernelConfig {
  const inner = original.kernelFunc;
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const single = a.shape.length <= 2 || a.shape.slice(0, -2).every((d) => d === 1);
    const singleB = b.shape.length <= 2 || b.shape.slice(0, -2).every((d) => d === 1);
    if ((!transposeA && !transposeB) || !single || !singleB) {
      return inner({ inputs, backend, attrs });
    }
    const r = kernelRunner(backend, backendName);
    const swapLast = (t: TensorInfo): TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      perm[n - 1] = n - 2;
      perm[n - 2] = n - 1;
      return r.run('Transpose', { x: t }, { perm });
    };
    const a2 = transposeA ? swapLast(a) : a;
    const b2 = transposeB ? swapLast(b) : b;
    const out = inner({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    const info = Array.isArray(out) ? out[0] : out;
    if (!info) throw new Error('BatchMatMul returned no output');
    r.release(info);
    return info;
  };
  return { kernelName: original.kernelName, backendName, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc, kernelFunc };
}
