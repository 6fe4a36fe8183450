import { afterEach, describe, expect, it } from 'vitest';
import { estimatePeakMemory } from './estimate';
import { gpuMemoryBudgetBytes, largestTensorBytes } from './gpu';

const WRN_16_10 = { arch: 'wrn', depth: 16, widen: 10 } as const;
const CIFAR = [32, 32, 3] as const;
const saved = process.env['LRLAB_GPU_MEMORY_GB'];
afterEach(() => {
  if (saved === undefined) delete process.env['LRLAB_GPU_MEMORY_GB'];
  else process.env['LRLAB_GPU_MEMORY_GB'] = saved;
});

describe('memory check on GPU backends', () => {
  it('accepts WRN-16-10 at batch 128 on webgpu and tensorflow-gpu (default budget; lavapipe’s and a GPU’s buffer limits)', () => {
    delete process.env['LRLAB_GPU_MEMORY_GB'];
    for (const backend of ['webgpu', 'tensorflow-gpu']) {
      const e = estimatePeakMemory({ model: WRN_16_10, inputShape: CIFAR, batch: 128, backend });
      expect(e.fits, e.message).toBe(true);
      expect(e.message).toMatch(/LRLAB_GPU_MEMORY_GB/);
    }
    for (const binding of [128 * 2 ** 20, 2 ** 31]) {
      expect(estimatePeakMemory({ model: WRN_16_10, inputShape: CIFAR, batch: 128, backend: 'webgpu', bufferLimitBytes: binding }).fits).toBe(true);
    }
    // …which wasm refuses (4 GiB heap).
    expect(estimatePeakMemory({ model: WRN_16_10, inputShape: CIFAR, batch: 128, backend: 'wasm' }).fits).toBe(false);
  });

  it('refuses what exceeds the user’s GPU memory budget, with the nearest setting that fits', () => {
    process.env['LRLAB_GPU_MEMORY_GB'] = '4';
    const e = estimatePeakMemory({ model: WRN_16_10, inputShape: CIFAR, batch: 128, backend: 'webgpu' });
    expect(e.fits).toBe(false);
    expect(e.limitBytes).toBe(4 * 2 ** 30);
    expect(e.message).toMatch(/GPU memory budget/);
    expect(e.suggestion).toMatch(/widen factor \d+ .* at batch 128|batch \d+ with WRN-16-10/);
  });

  it('refuses a tensor larger than the adapter can bind, naming the limit and a batch that fits', () => {
    const binding = 128 * 2 ** 20;
    const e = estimatePeakMemory({ model: WRN_16_10, inputShape: CIFAR, batch: 256, backend: 'webgpu', limitBytes: 1e12, bufferLimitBytes: binding });
    expect(e.fits).toBe(false);
    expect(e.message).toMatch(/maxStorageBufferBindingSize/);
    const m = /batch (\d+) with WRN-16-10/.exec(e.suggestion ?? '');
    expect(m).not.toBeNull();
    expect(largestTensorBytes(WRN_16_10, CIFAR, Number(m![1]))).toBeLessThanOrEqual(binding);
  });

  it('sizes the largest tensor: WRN-16-10’s first group output, B·32·32·160 floats', () => {
    expect(largestTensorBytes(WRN_16_10, CIFAR, 128)).toBe(4 * 128 * 32 * 32 * 160);
    expect(largestTensorBytes({ arch: 'two-layer', inputDim: 2048, width: 8192 }, [1, 1, 1], 256)).toBe(4 * 2048 * 8192);
  });

  it('reads LRLAB_GPU_MEMORY_GB and rejects a bad value with what to write', () => {
    expect(gpuMemoryBudgetBytes({})).toBe(16 * 2 ** 30);
    expect(gpuMemoryBudgetBytes({ LRLAB_GPU_MEMORY_GB: '24' })).toBe(24 * 2 ** 30);
    expect(() => gpuMemoryBudgetBytes({ LRLAB_GPU_MEMORY_GB: 'lots' })).toThrow(/positive number of GiB/);
  });
});
