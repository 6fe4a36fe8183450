import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CONV_CASES, convGradients, describeConvCase, onBackend, relativeError } from './testing';

// The XNNPACK-based kernels (this file's process only; onednn.test.ts checks the native ones).
process.env['LRLAB_ONEDNN'] = '0';

describe('conv2d gradient kernels on wasm', () => {
  it('are registered for wasm (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter)', async () => {
    await onBackend('wasm', () => tf.zeros([1]));
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'cpu')?.kernelFunc).toBeDefined();
  });

  for (const c of CONV_CASES) {
    it(`match cpu to 1e-4 relative: ${describeConvCase(c)}`, async () => {
      const ref = await convGradients('cpu', c);
      const got = await convGradients('wasm', c);
      for (let i = 0; i < ref.length; i++) {
        expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
      }
    });
  }
});
