/**
 * The oneDNN addon's own guards (issue 14, item 16): concurrent callers from worker threads
 * (the addon's caches and scratch buffers are process-wide), argument checks, N-API errors.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { addonPath, oneDnn } from './onednn';

const { addon, reason } = oneDnn();
const required = process.env['CI'] === 'true' && process.env['LRLAB_ONEDNN'] !== '0';

// x 2×9×9×8, k 3×3×8×16, stride 1, pad 1: geometry N H W C OH OW O KH KW SH SW PT PL PB PR.
const GEOMETRY = [2, 9, 9, 8, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1];
const sizes = { x: 2 * 9 * 9 * 8, w: 3 * 3 * 8 * 16, y: 2 * 9 * 9 * 16 };

/** Worker body: `calls` forward convolutions, each checked against the first (same inputs). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.path);
const { geometry, sizes, calls, seed } = workerData;
const fill = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + s));
const x = fill(sizes.x, seed), w = fill(sizes.w, seed + 1);
const ref = new Float32Array(sizes.y);
addon.conv2d(0, geometry, x, w, ref);
let wrong = 0;
for (let c = 0; c < calls; c++) {
  const y = new Float32Array(sizes.y);
  addon.conv2d(0, geometry, x, w, y);
  for (let i = 0; i < y.length; i++) if (y[i] !== ref[i]) { wrong++; break; }
}
parentPort.postMessage(wrong);
`;

describe.skipIf(!addon && !required)('oneDNN addon guards', () => {
  it('gives right answers to four worker threads calling conv2d at once', async () => {
    expect(addon, reason ?? '').not.toBeNull();
    const path = addonPath()!;
    const runs = [0, 1, 2, 3].map(
      (t) =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(WORKER, { eval: true, workerData: { path, geometry: GEOMETRY, sizes, calls: 75, seed: t } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    );
    const wrong = await Promise.all(runs);
    expect(wrong).toEqual([0, 0, 0, 0]); // 300 calls in all, none wrong
  }, 120_000);

  it('checks kind and the other numbers instead of trusting them', () => {
    const a = addon!;
    const x = new Float32Array(sizes.x);
    const w = new Float32Array(sizes.w);
    const y = new Float32Array(sizes.y);
    expect(() => a.conv2d(7 as 0, GEOMETRY, x, w, y)).toThrow(/kind must be 0 \(forward\), 1 .* or 2/);
    expect(() => a.conv2d('x' as unknown as 0, GEOMETRY, x, w, y)).toThrow(/kind must be/);
    expect(() => a.conv2d(0, GEOMETRY.map((v, i) => (i === 9 ? 0 : v)), x, w, y)).toThrow(/geometry values must be positive/);
    expect(() => a.sgemm(false, false, 'two' as unknown as number, 2, 2, new Float32Array(4), new Float32Array(4), new Float32Array(4))).toThrow(/M must be an integer/);
    expect(() => a.batchNorm([1, 1, 1, 2], 'eps' as unknown as number, new Float32Array(2), new Float32Array(2), new Float32Array(2), new Float32Array(2), new Float32Array(2), new Float32Array(2))).toThrow(/eps must be a number/);
    a.conv2d(0, GEOMETRY, x, w, y); // still works afterwards
  });
});
