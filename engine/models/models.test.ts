import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Sgd } from '../optim';
import { Rng } from '../random';
import { buildModel, modelParameterCount, trainStep } from './index';
import { ParamStore, batchNorm, batchNormPlain, conv, noiseSite } from './layers';

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
});

function maxRelDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)) / (1e-6 + Math.abs(b[i] ?? 0) + 1e-3));
  return m;
}

describe('models', () => {
  it('stride-2 3×3 convs pad 1 on every side as PyTorch padding=1 does (not TF "same")', () => {
    // All-ones 4×4 input and 3×3 filter: with symmetric padding the four output windows cover
    // 4, 6, 6 and 9 ones; TF 'same' (0 before, 1 after) would give 9, 6, 6, 4.
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const w = tf.variable(tf.ones([3, 3, 1, 1]));
    const y = conv(x, w, 2);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.dataSync())).toEqual([4, 6, 6, 9]);
    // 1×1 shortcut at stride 2: no padding, samples rows/cols 0, 2 — the 3×3 path's centres.
    const ramp = tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    const w1 = tf.variable(tf.ones([1, 1, 1, 1]));
    expect(Array.from(conv(ramp, w1, 2).dataSync())).toEqual([0, 2, 8, 10]);
    // Output sizes are those of 'same' for odd and even inputs (28 → 14 → 7 → 4).
    for (const side of [28, 14, 7]) expect(conv(tf.zeros([1, side, side, 1]) as tf.Tensor4D, w, 2).shape[1]).toBe(Math.ceil(side / 2));
    tf.dispose([x, w, y, ramp, w1]);
  });

  it('WRN-16-10 has 17.1 M parameters and 13 noise sites; built counts match the formula', () => {
    expect(modelParameterCount({ arch: 'wrn', depth: 16, widen: 10 }, [32, 32, 3], 10) / 1e6).toBeCloseTo(17.1, 1);
    const m = buildModel({ arch: 'wrn', depth: 16, widen: 1 }, { inputShape: [8, 8, 3], classes: 10, rng: Rng.fromSeed(1) });
    expect(m.noiseSites).toBe(13);
    expect(m.parameterCount()).toBe(modelParameterCount({ arch: 'wrn', depth: 16, widen: 1 }, [8, 8, 3], 10));
    m.dispose();
    const s = buildModel({ arch: 'small-cnn', width: 3 }, { inputShape: [8, 8, 1], classes: 10, rng: Rng.fromSeed(1) });
    expect(s.parameterCount()).toBe(modelParameterCount({ arch: 'small-cnn', width: 3 }, [8, 8, 1], 10));
    s.dispose();
  });

  it('initializes conv weights N(0, 2/(3·3·out)) and BN γ=1, β=0', () => {
    const store = new ParamStore(Rng.fromSeed(2));
    const w = store.conv('c', 3, 32, 64).dataSync() as Float32Array;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std / Math.sqrt(2 / (9 * 64))).toBeCloseTo(1, 1);
    const bn = store.bn('b', 5);
    expect([...bn.gamma.dataSync()]).toEqual([1, 1, 1, 1, 1]);
    expect([...bn.beta.dataSync()]).toEqual([0, 0, 0, 0, 0]);
    for (const v of [...store.params.values(), ...store.state.values()]) v.dispose();
  });

  it('training BN (kernel) matches plain tfjs ops in value and gradient; running stats move', () => {
    const store = new ParamStore(Rng.fromSeed(3));
    const p = store.bn('bn', 4);
    p.gamma.assign(tf.tensor1d([1, 2, 0.5, -1]));
    p.beta.assign(tf.tensor1d([0, 1, -1, 0.3]));
    const x = tf.tensor4d(Rng.fromSeed(4).fillNormal(new Float32Array(3 * 5 * 5 * 4), 2, 1), [3, 5, 5, 4]);
    const dy = tf.tensor4d(Rng.fromSeed(5).fillNormal(new Float32Array(3 * 5 * 5 * 4)), [3, 5, 5, 4]);
    const grads = (impl: 'kernel' | 'plain') =>
      tf.grads((xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        if (impl === 'plain') return batchNormPlain(xx as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D).y.mul(dy).sum();
        return batchNorm(xx as tf.Tensor4D, p, true, 'kernel').mul(dy).sum();
      })([x, p.gamma, p.beta]);
    const gk = grads('kernel');
    const gp = grads('plain');
    for (let i = 0; i < 3; i++) expect(maxRelDiff(gk[i]?.dataSync() as Float32Array, gp[i]?.dataSync() as Float32Array)).toBeLessThan(1e-3);
    const yk = batchNorm(x, p, true).dataSync();
    const yp = batchNormPlain(x, p.gamma as tf.Tensor1D, p.beta as tf.Tensor1D).y.dataSync();
    expect(maxRelDiff(yk as Float32Array, yp as Float32Array)).toBeLessThan(1e-4);
    // Running mean moved 0.1 of the way to the batch mean (≈ 1).
    const rm = p.runningMean.dataSync();
    for (const v of rm) expect(v).toBeGreaterThan(0.02);
    // Eval mode uses running statistics: y = γ(x − rm)/√(rv + ε) + β.
    const ye = batchNorm(x, p, false).dataSync();
    const rv = p.runningVar.dataSync();
    const xv = x.dataSync();
    const gamma = p.gamma.dataSync();
    const beta = p.beta.dataSync();
    const c = 2;
    expect(ye[c]).toBeCloseTo(((gamma[c] ?? 0) * ((xv[c] ?? 0) - (rm[c] ?? 0))) / Math.sqrt((rv[c] ?? 0) + 1e-5) + (beta[c] ?? 0), 4);
    for (const v of [...store.params.values(), ...store.state.values()]) v.dispose();
  });

  it('noise: one (H, W) sample per site, broadcast over batch and channels, training only', () => {
    const x = tf.zeros([3, 4, 5, 6]) as tf.Tensor4D;
    const rng = Rng.fromSeed(6);
    const before = rng.getState();
    expect(noiseSite(x, { training: false, noise: { std: 1, rng } })).toBe(x);
    expect(rng.getState()).toEqual(before);
    expect(noiseSite(x, { training: true, noise: { std: 0, rng } })).toBe(x);
    const y = noiseSite(x, { training: true, noise: { std: 0.7, rng } });
    const v = y.arraySync() as number[][][][];
    const ref = Rng.fromState(before).fillNormal(new Float32Array(20), 0.7);
    for (let b = 0; b < 3; b++) for (let h = 0; h < 4; h++) for (let w = 0; w < 5; w++) for (let c = 0; c < 6; c++) expect(v[b]?.[h]?.[w]?.[c]).toBeCloseTo(ref[h * 5 + w] ?? NaN, 6);
    x.dispose();
    y.dispose();
  });

  it('a WRN-16 forward pass draws noise at 13 sites (Σ H·W normals) and none at evaluation', () => {
    const m = buildModel({ arch: 'wrn', depth: 16, widen: 1 }, { inputShape: [8, 8, 3], classes: 10, rng: Rng.fromSeed(1) });
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const rng = Rng.fromSeed(7);
    const evalOut = tf.tidy(() => m.apply(x, { training: false, noise: { std: 1, rng } }).dataSync());
    const afterEval = rng.getState();
    expect(afterEval).toEqual(Rng.fromSeed(7).getState());
    tf.tidy(() => m.apply(x, { training: true, noise: { std: 1, rng } }));
    // Group 1: 4 sites at 8×8; group 2: its first bn1 still at 8×8, then 3 at 4×4; group 3: one
    // at 4×4, 3 at 2×2; final BN at 2×2. Replaying that many normals must reach the same state.
    const sizes = [64, 64, 64, 64, 64, 16, 16, 16, 16, 4, 4, 4, 4];
    const replay = Rng.fromSeed(7);
    replay.fillNormal(new Float32Array(sizes.reduce((s, v) => s + v, 0)));
    expect(rng.getState()).toEqual(replay.getState());
    expect(sizes).toHaveLength(13);
    expect(evalOut.every(Number.isFinite)).toBe(true);
    x.dispose();
    m.dispose();
  });

  it('trainStep leaks no tensors and lowers the loss on a fixed batch', async () => {
    const rng = Rng.fromSeed(8);
    const m = buildModel({ arch: 'small-cnn', width: 2 }, { inputShape: [8, 8, 1], classes: 10, rng });
    const opt = new Sgd({ momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, m.params);
    const x = rng.fillNormal(new Float32Array(16 * 64));
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
    const first = await trainStep(m, opt, { x, labels, batch: 16 }, 0.1, { std: 0.1, rng }, [8, 8, 1], 10);
    const n0 = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 15; i++) {
      last = await trainStep(m, opt, { x, labels, batch: 16 }, 0.1, { std: 0.1, rng }, [8, 8, 1], 10);
      expect(tf.memory().numTensors).toBe(n0);
    }
    expect(last.loss).toBeLessThan(first.loss);
    m.dispose();
    opt.dispose();
  });
});
