import { describe, expect, it } from 'vitest';
import { matMulProducts, relativeError } from './testing';

// The XNNPACK path (this file's process only; onednn.test.ts checks the native kernels).
process.env['LRLAB_ONEDNN'] = '0';

describe('BatchMatMul with transposed operands on wasm', () => {
  for (const [m, k, n] of [
    [5, 7, 3],
    [33, 17, 65],
    [128, 64, 96],
  ] as const) {
    it(`matches cpu to 1e-4 relative for ${m}×${k}·${k}×${n}, every transpose flag`, async () => {
      const ref = await matMulProducts('cpu', m, k, n);
      const got = await matMulProducts('wasm', m, k, n);
      expect(got.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(relativeError(got[i]!, ref[i]!)).toBeLessThan(1e-4);
    });
  }
});
