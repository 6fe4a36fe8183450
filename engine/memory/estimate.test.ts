import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { convWorkload, twoLayerWorkload } from '../bench/benchModels';
import { estimatePeakMemory, WASM_HEAP_BYTES } from './estimate';
import { modelSizes } from './activations';
import { oneDnn } from '../kernels/onednn';

describe('modelSizes', () => {
  it('counts WRN-16-10 parameters as the paper (17.1 M) and WRN-16-4 as 2.75 M', () => {
    expect(modelSizes({ arch: 'wrn', depth: 16, widen: 10 }, [32, 32, 3]).params / 1e6).toBeCloseTo(17.1, 1);
    expect(modelSizes({ arch: 'wrn', depth: 16, widen: 4 }, [32, 32, 3]).params).toBe(2748890);
  });
});

describe('estimatePeakMemory', () => {
  it('refuses WRN-16-10 at batch 128 on wasm and names settings that fit', () => {
    const q = { model: { arch: 'wrn', depth: 16, widen: 10 }, inputShape: [32, 32, 3], batch: 128, backend: 'wasm' } as const;
    const e = estimatePeakMemory(q);
    expect(e.fits).toBe(false);
    expect(e.limitBytes).toBe(WASM_HEAP_BYTES);
    expect(e.message).toMatch(/WRN-16-10 at batch 128 on wasm needs about [\d.]+ GiB/);
    const widen = Number(/widen factor (\d+)/.exec(e.suggestion ?? '')?.[1]);
    const batch = Number(/batch (\d+) with WRN-16-10/.exec(e.suggestion ?? '')?.[1]);
    // The suggestions fit, and the next larger setting does not.
    expect(estimatePeakMemory({ ...q, model: { ...q.model, widen } }).fits).toBe(true);
    expect(estimatePeakMemory({ ...q, model: { ...q.model, widen: widen + 1 } }).fits).toBe(false);
    expect(estimatePeakMemory({ ...q, batch }).fits).toBe(true);
    expect(estimatePeakMemory({ ...q, batch: batch + 1 }).fits).toBe(false);
    // The same run fits where memory is not the wasm heap's.
    expect(estimatePeakMemory({ ...q, backend: 'tensorflow', limitBytes: 64 * 1024 ** 3 }).fits).toBe(true);
  });

  it('accepts WRN-16-4 at batch 128 and the CPU-scale models on wasm', () => {
    expect(estimatePeakMemory({ model: { arch: 'wrn', depth: 16, widen: 4 }, inputShape: [32, 32, 3], batch: 128, backend: 'wasm' }).fits).toBe(true);
    expect(estimatePeakMemory({ model: { arch: 'small-cnn', width: 32 }, inputShape: [28, 28, 1], batch: 128, backend: 'wasm' }).fits).toBe(true);
  });

  it('plans for the kernels that run the step: tfjs kernels keep more per activation than oneDNN', () => {
    const q = { model: { arch: 'small-cnn', width: 32 }, inputShape: [28, 28, 1], batch: 128, backend: 'wasm' } as const;
    const tfjsBytes = estimatePeakMemory({ ...q, kernels: 'tfjs' }).bytes;
    const oneDnnBytes = estimatePeakMemory({ ...q, kernels: 'onednn' }).bytes;
    expect(tfjsBytes / oneDnnBytes).toBeGreaterThan(1.4);
    // The default is what this process would load.
    expect(estimatePeakMemory(q).bytes).toBe(oneDnn().addon ? oneDnnBytes : tfjsBytes);
    // oneDNN only replaces wasm's kernels.
    expect(estimatePeakMemory({ ...q, backend: 'cpu' }).bytes).toBe(estimatePeakMemory({ ...q, backend: 'cpu', kernels: 'tfjs' }).bytes);
  });

  it('rejects a batch that is not a positive integer', () => {
    expect(() => estimatePeakMemory({ model: { arch: 'small-cnn', width: 8 }, inputShape: [28, 28, 1], batch: 0, backend: 'cpu' })).toThrow(/batch/);
  });

  // The estimate against tf.profile's measured peak of a real step (small settings, wasm):
  // never below it, and not so far above that it refuses runs that fit.
  const measured: [string, () => { step(): number | Promise<number>; dispose(): void }, Parameters<typeof estimatePeakMemory>[0]][] = [
    [
      'WRN-16-1, batch 8',
      () => convWorkload({ model: { arch: 'wrn', depth: 16, widen: 1 }, inputShape: [32, 32, 3], batch: 8, classes: 10, noiseStd: 0.1, bn: 'fused', normals: 'fast', seed: 1 }),
      { model: { arch: 'wrn', depth: 16, widen: 1 }, inputShape: [32, 32, 3], batch: 8, backend: 'wasm' },
    ],
    [
      'small CNN width 16, batch 32',
      () => convWorkload({ model: { arch: 'small-cnn', width: 16 }, inputShape: [28, 28, 1], batch: 32, classes: 10, noiseStd: 0, bn: 'fused', normals: 'fast', seed: 1 }),
      { model: { arch: 'small-cnn', width: 16 }, inputShape: [28, 28, 1], batch: 32, backend: 'wasm' },
    ],
    [
      'two-layer 256×1024, batch 128',
      () => twoLayerWorkload({ impl: 'engine', inputDim: 256, width: 1024, batch: 128, noiseStd: 0.01, normals: 'fast', seed: 1 }),
      { model: { arch: 'two-layer', inputDim: 256, width: 1024 }, inputShape: [1, 1, 1], batch: 128, backend: 'wasm' },
    ],
  ];
  for (const [name, make, query] of measured) {
    it(`is within [1, 1.6]× of the measured step peak (with the kernels this machine loads): ${name}`, async () => {
      await initBackend({ force: 'wasm' });
      const base = tf.memory().numBytes;
      const w = make();
      await w.step();
      const info = await tf.profile(async () => void (await w.step()));
      w.dispose();
      const peak = info.peakBytes - base;
      const est = estimatePeakMemory(query).bytes;
      expect(est / peak).toBeGreaterThanOrEqual(1);
      expect(est / peak).toBeLessThanOrEqual(1.6);
    });
  }
});
