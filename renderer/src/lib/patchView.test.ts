import { describe, expect, it } from 'vitest';
import { channelOf, colourBarTicks, decodeTensor, DIVERGING, divergingColor, heatmapRgba, imageRgba, maxAbs, symmetricRange } from './patchView';

function encode(values: number[], shape: number[]) {
  const f = Float32Array.from(values);
  const bytes = new Uint8Array(f.buffer);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return { shape, base64: btoa(bin) };
}

describe('patch view helpers', () => {
  it('decodes the api’s float32 tensors exactly and refuses a shape that does not match', () => {
    const v = [1.25, -0.5, 3.4028234663852886e38, 1e-7, -0];
    expect(decodeTensor(encode(v, [5]))).toEqual(Float32Array.from(v));
    expect(() => decodeTensor(encode(v, [2, 2]))).toThrow(/shape \[2, 2\] holds 5 values, not 4/);
    expect(() => decodeTensor({ shape: [1], base64: btoa('abc') })).toThrow(/not a multiple of 4/);
  });

  it('takes one channel of an HWC patch', () => {
    // 2×2 patch, 3 channels: value = 10·pixel + channel.
    const hwc = [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32];
    expect([...channelOf(hwc, 2, 3, 1)]).toEqual([1, 11, 21, 31]);
  });

  it('one symmetric range for all arrays: the largest |value| (1 when all zero)', () => {
    expect(symmetricRange([[0.1, -0.2], [3, -4.5]])).toBe(4.5);
    expect(symmetricRange([[0, 0]])).toBe(1);
    expect(maxAbs([[0, 0]])).toBe(0);
    expect(maxAbs([[0.25, -0.5]])).toBe(0.5);
  });

  it('diverging map: blue at −1, white at 0, red at +1, clamped outside, symmetric steps', () => {
    expect(divergingColor(-1)).toEqual([...DIVERGING[0]!]);
    expect(divergingColor(0)).toEqual([247, 247, 247]);
    expect(divergingColor(1)).toEqual([...DIVERGING[10]!]);
    expect(divergingColor(7)).toEqual(divergingColor(1));
    expect(divergingColor(Number.NaN)).toEqual(divergingColor(0));
    const [r1, , b1] = divergingColor(-0.5);
    const [r2, , b2] = divergingColor(0.5);
    expect(b1).toBeGreaterThan(r1);
    expect(r2).toBeGreaterThan(b2);
    expect([...heatmapRgba([-2, 0, 2], 2)]).toEqual([...DIVERGING[0]!, 255, 247, 247, 247, 255, ...DIVERGING[10]!, 255]);
  });

  it('shows a normalized input as pixels: x·std + mean, clipped to [0, 1]; grey for one channel', () => {
    const mean = [0.5];
    const std = [0.25];
    // x = 0 → 0.5 → 128; x = 2 → 1.0 → 255; x = 9 → clipped 255; x = −9 → 0.
    const px = imageRgba([0, 2, 9, -9], 0, 2, 2, 1, mean, std);
    expect([...px]).toEqual([128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
    const rgb = imageRgba([0, 1, -1], 0, 1, 1, 3, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
    expect([...rgb]).toEqual([128, 255, 0, 255]);
  });

  it('colour-bar ticks: −m, −m/2, 0, m/2, m', () => {
    expect(colourBarTicks(4.2)).toEqual(['−4.2', '−2.1', '0', '2.1', '4.2']);
    expect(colourBarTicks(0.1234)).toEqual(['−0.12', '−0.062', '0', '0.062', '0.12']);
  });
});
