import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend';
import { Rng } from '../../random';
import { disposeBatch, disposeChunks, SyntheticNet, toPatchRows, transposeMatrix } from './model';
import { referenceGradient } from './reference';

/** Float64 L̂_λ of the (conv) net with pre-activation noise: the finite-difference reference. */
function lossF64(x: Float32Array, y: Float32Array, n: number, d: number, k: number, m: number, uT: Float64Array, u: Float32Array, lambda: number, xiPre: Float32Array | null): number {
  const rows = toPatchRows(x, n, d, k);
  const D = (2 * d) / k;
  let loss = 0;
  for (let e = 0; e < n; e++) {
    let f = 0;
    for (let j = 0; j < k; j++) {
      const row = (e * k + j) * D;
      for (let i = 0; i < m; i++) {
        // Ξ shared ([m]) or per example and patch ([m, n·k], column e·k + j).
        let h = xiPre ? (xiPre.length === m ? xiPre[i]! : xiPre[i * n * k + e * k + j]!) : 0;
        for (let c = 0; c < D; c++) h += rows[row + c]! * uT[c * m + i]!;
        if (h > 0) f += u[j * m + i]! * h;
      }
    }
    const t = -y[e]! * f;
    loss += Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
  }
  let sq = 0;
  for (const v of uT) sq += v * v;
  return loss / n + (lambda / 2) * sq;
}

function tiny(seed: number, n: number, d: number, k: number, m: number) {
  const rng = Rng.forStream(seed, 'test');
  const x = rng.fillNormal(new Float32Array(n * 2 * d));
  const y = Float32Array.from({ length: n }, () => rng.sign());
  const u = Float32Array.from({ length: k * m }, () => rng.sign() / Math.sqrt(m));
  const D = (2 * d) / k;
  const u0T = rng.fillNormal(new Float32Array(D * m), 0.5);
  return { x, y, u, u0T, D };
}

/** ∇L̂_λ in UT order [D, m] from the net's ∂L̂/∂U [m, D] and the UT-ordered weights. */
function gradLambdaUT(grad: tf.Tensor2D, u0T: Float32Array, lambda: number, D: number, m: number): Float32Array {
  const g = grad.dataSync();
  const out = new Float32Array(D * m);
  for (let c = 0; c < D; c++) for (let i = 0; i < m; i++) out[c * m + i] = g[i * D + c]! + lambda * u0T[c * m + i]!;
  return out;
}

describe('SyntheticNet', () => {
  beforeAll(async () => {
    await initBackend({ force: 'cpu' });
  });

  for (const [k, draw] of [[1, 'shared'], [2, 'shared'], [1, 'per-example'], [2, 'per-example']] as const) {
    it(`gradient matches finite differences (k = ${k}, with ${draw} pre-activation noise)`, async () => {
      const n = 6;
      const d = 4;
      const m = 5;
      const lambda = 0.03;
      const { x, y, u, u0T, D } = tiny(11 + k, n, d, k, m);
      const pre = Rng.forStream(3, 'pre').fillNormal(new Float32Array(draw === 'shared' ? m : m * n * k), 0.2);
      const net = new SyntheticNet(d, m, k, u0T, u);
      const batch = net.makeBatch(toPatchRows(x, n, d, k), y, n);
      const { loss, grad } = await net.computeGradient(batch, pre);
      const g = gradLambdaUT(grad, u0T, lambda, D, m);
      grad.dispose();
      const w = Float64Array.from(u0T);
      const base = lossF64(x, y, n, d, k, m, w, u, lambda, pre);
      let sq = 0;
      for (const v of w) sq += v * v;
      expect(loss).toBeCloseTo(base - (lambda / 2) * sq, 5);
      const hStep = 1e-6;
      for (let i = 0; i < D * m; i++) {
        const wp = Float64Array.from(w);
        wp[i] = wp[i]! + hStep;
        const wm = Float64Array.from(w);
        wm[i] = wm[i]! - hStep;
        const fd = (lossF64(x, y, n, d, k, m, wp, u, lambda, pre) - lossF64(x, y, n, d, k, m, wm, u, lambda, pre)) / (2 * hStep);
        expect(Math.abs(g[i]! - fd)).toBeLessThan(1e-4 + 1e-3 * Math.abs(fd));
      }
      batch.xp.dispose();
      batch.xpT.dispose();
      batch.y.dispose();
      net.dispose();
    });
  }

  it('gradient matches tf.grad of the forward pass (k = 2)', async () => {
    const n = 9;
    const d = 6;
    const k = 2;
    const m = 7;
    const lambda = 0.01;
    const { x, y, u, u0T, D } = tiny(5, n, d, k, m);
    const net = new SyntheticNet(d, m, k, u0T, u);
    const rows = toPatchRows(x, n, d, k);
    const batch = net.makeBatch(rows, y, n);
    const { grad } = await net.computeGradient(batch, null);
    const auto = tf.tidy(() => {
      const xp = tf.tensor2d(rows, [n * k, D]);
      const yt = tf.tensor2d(y, [n, 1]);
      const uc = tf.tensor2d(u, [k * m, 1]);
      const lossOf = (w: tf.Tensor) => {
        const a = tf.reshape(tf.relu(tf.matMul(xp, w as tf.Tensor2D)), [n, k * m]);
        const f = tf.matMul(a, uc);
        return tf.add(tf.mean(tf.softplus(tf.neg(tf.mul(yt, f)))), tf.mul(tf.sum(tf.square(w)), lambda / 2));
      };
      return tf.grad(lossOf)(tf.tensor2d(u0T, [D, m]));
    });
    const a = auto.dataSync();
    const b = gradLambdaUT(grad, u0T, lambda, D, m);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
    auto.dispose();
    grad.dispose();
    batch.xp.dispose();
    batch.xpT.dispose();
    batch.y.dispose();
    net.dispose();
  });

  it('agrees with the plain-TypeScript reference step (k = 1)', async () => {
    const n = 8;
    const d = 5;
    const m = 6;
    const { x, y, u, u0T, D } = tiny(9, n, d, 1, m);
    const net = new SyntheticNet(d, m, 1, u0T, u);
    const batch = net.makeBatch(x, y, n);
    const { loss, grad } = await net.computeGradient(batch, null);
    // reference keeps U as [m, D]
    const U = new Float32Array(m * D);
    for (let c = 0; c < D; c++) for (let i = 0; i < m; i++) U[i * D + c] = u0T[c * m + i]!;
    const ref = referenceGradient({ n, D, m, x, y, U, u }, 0.02);
    expect(loss).toBeCloseTo(ref.loss, 5);
    const g = grad.dataSync(); // [m, D] like the reference
    for (let j = 0; j < m * D; j++) expect(g[j]! + 0.02 * U[j]!).toBeCloseTo(ref.grad[j]!, 5);
    grad.dispose();
    batch.xp.dispose();
    batch.xpT.dispose();
    batch.y.dispose();
    net.dispose();
  });

  for (const k of [1, 3]) {
    it(`r + g equals f, and f is the network output (k = ${k})`, async () => {
      const n = 40;
      const d = 6;
      const m = 16;
      const { x, y, u, u0T } = tiny(21, n, d, k, m);
      const net = new SyntheticNet(d, m, k, u0T, u);
      const chunks = net.makeEvalChunks(toPatchRows(x, n, d, k), n, 16);
      const out = await net.evaluate(chunks);
      const w = Float64Array.from(u0T);
      for (let e = 0; e < n; e++) {
        // f from the float64 forward pass: loss with λ = 0 of a single example gives softplus(−y f); recompute f directly
        const rows = toPatchRows(x.subarray(e * 2 * d, (e + 1) * 2 * d), 1, d, k);
        let f = 0;
        const D = (2 * d) / k;
        for (let j = 0; j < k; j++)
          for (let i = 0; i < m; i++) {
            let h = 0;
            for (let c = 0; c < D; c++) h += rows[j * D + c]! * w[c * m + i]!;
            if (h > 0) f += u[j * m + i]! * h;
          }
        expect(out.r[e]! + out.g[e]!).toBeCloseTo(f, 5);
        expect(out.f[e]).toBeCloseTo(f, 5);
      }
      disposeChunks(chunks);
      net.dispose();
      expect(y.length).toBe(n);
    });
  }

  it('updates U ← U − η(∇L̂ + λU + ξ) with ξ in [D, m] order, in place or through tfjs ops alike', async () => {
    const n = 7;
    const d = 20; // D = 40 > NOISE_ROWS, so the update runs several noise blocks
    const m = 9;
    const lr = 0.3;
    const lambda = 0.05;
    const { x, y, u, u0T, D } = tiny(8, n, d, 1, m);
    const expected = async (): Promise<Float32Array> => {
      const net = new SyntheticNet(d, m, 1, u0T, u);
      const batch = net.makeBatch(x, y, n);
      const { grad } = await net.computeGradient(batch, null);
      const g = gradLambdaUT(grad, u0T, lambda, D, m);
      grad.dispose();
      disposeBatch(batch);
      net.dispose();
      const xi = Rng.fromSeed(77).fillNormal(new Float32Array(D * m), 0.1);
      return u0T.map((w, i) => w - lr * (g[i]! + xi[i]!));
    };
    const want = await expected();
    const run = async (shareStorage: boolean) => {
      const net = new SyntheticNet(d, m, 1, u0T, u);
      const batch = net.makeBatch(x, y, n);
      // A second tensor on U's storage forces the tfjs-op path (in place would change it too).
      const alias = shareStorage ? tf.reshape(net.U, [m * D]) : null;
      const rng = Rng.fromSeed(77);
      await net.step(batch, lr, lambda, { rng, std: 0.1 }, null);
      const got = await net.readWeights();
      if (alias) {
        expect(Array.from(alias.dataSync())).toEqual(Array.from(transposeMatrix(u0T, D, m)));
        alias.dispose();
      }
      disposeBatch(batch);
      net.dispose();
      return { got, state: rng.getState() };
    };
    const inPlace = await run(false);
    const viaOps = await run(true);
    for (let i = 0; i < want.length; i++) {
      expect(inPlace.got[i]).toBeCloseTo(want[i]!, 5);
      expect(viaOps.got[i]).toBeCloseTo(want[i]!, 5);
    }
    // Both drew exactly D·m normals.
    const ref = Rng.fromSeed(77);
    ref.fillNormal(new Float32Array(D * m));
    expect(inPlace.state).toEqual(ref.getState());
    expect(viaOps.state).toEqual(ref.getState());
  });

  it('reads and writes weights in the [D, m] checkpoint layout', async () => {
    const d = 3;
    const m = 4;
    const { u, u0T } = tiny(3, 2, d, 1, m);
    const net = new SyntheticNet(d, m, 1, u0T, u);
    expect(Array.from(await net.readWeights())).toEqual(Array.from(u0T));
    const other = u0T.map((v) => -v);
    net.setWeights(other);
    expect(Array.from(await net.readWeights())).toEqual(Array.from(other));
    net.dispose();
  });

  it('keeps the tensor count constant across steps', async () => {
    const n = 20;
    const d = 4;
    const m = 8;
    const { x, y, u, u0T } = tiny(2, n, d, 1, m);
    const net = new SyntheticNet(d, m, 1, u0T, u);
    const batch = net.makeBatch(x, y, n);
    const noise = { rng: Rng.fromSeed(1), std: 0.01 };
    const pre = new Float32Array(m).fill(0.1);
    await net.step(batch, 0.1, 0.01, noise, pre);
    const before = tf.memory().numTensors;
    for (let s = 0; s < 5; s++) await net.step(batch, 0.1, 0.01, noise, pre);
    await net.norms();
    expect(tf.memory().numTensors).toBe(before);
    batch.xp.dispose();
    batch.xpT.dispose();
    batch.y.dispose();
    net.dispose();
  });
});
