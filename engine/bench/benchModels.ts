/**
 * The benchmark's workloads as self-contained step functions (architectures of
 * docs/paper.md §1.2 and §2.3, mirrored op for op by torch_bench.py), with switches for the
 * optimizations being measured: which batch-norm backward, which Gaussian generator.
 * engine/models is measured separately (its own rows) so the two can be compared.
 */
import * as tf from '@tensorflow/tfjs';
import { SyntheticNet } from '../experiments/synthetic/model';
import { batchNormTrain, newStepState, STATE_HEADER } from '../kernels';
import { Rng } from '../random';

export type BnMode = 'autodiff' | 'fused';
export type NormalMode = 'polar' | 'fast';

export interface Workload {
  /** One SGD step, noise included; leaves no tensor behind; reads the loss back (one read). */
  step(): number | Promise<number>;
  /** Examples per step. */
  readonly batch: number;
  /** Multiply-adds ×2 of forward + backward, for GFLOP/s. */
  readonly flopsPerStep: number;
  dispose(): void;
}

/** The pre-ziggurat generator (Marsaglia polar on xoshiro), kept to measure the change. */
export function fillNormalPolar(rng: Rng, out: Float32Array, std = 1): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    let u: number, v: number, s: number;
    do {
      u = 2 * rng.uniform() - 1;
      v = 2 * rng.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const k = Math.sqrt((-2 * Math.log(s)) / s);
    out[i] = std * u * k;
    if (i + 1 < out.length) out[i + 1] = std * v * k;
  }
  return out;
}

function normals(rng: Rng, n: number, std: number, mode: NormalMode): Float32Array {
  const out = new Float32Array(n);
  return mode === 'fast' ? rng.fillNormal(out, std) : fillNormalPolar(rng, out, std);
}

// ---------------------------------------------------------------------------------------
// Two-layer ReLU net (docs/paper.md §1.2): f(x) = Σ_i u_i [⟨U_i, x⟩]_+, u fixed ±1/√m, logistic loss,
// U ← U − η(∇L̂ + λU + ξ), ξ ~ N(0, τ²I) fresh each step (full-batch gradient noise).
// U is stored as [D, m] so the forward matmul is untransposed.

export interface TwoLayerOptions {
  /**
   * 'autodiff': U [D, m] through tf.variableGrads and five update ops (the step before the
   * engine's own); 'engine': engine/experiments/synthetic's SyntheticNet, as runs use it.
   */
  readonly impl: 'autodiff' | 'engine';
  readonly inputDim: number;
  readonly width: number;
  readonly batch: number;
  readonly noiseStd: number;
  readonly normals: NormalMode;
  readonly seed: number;
}

export function twoLayerWorkload(o: TwoLayerOptions): Workload {
  const init = Rng.forStream(o.seed, 'init');
  const data = Rng.forStream(o.seed, 'data');
  const noise = Rng.forStream(o.seed, 'noise');
  const D = o.inputDim;
  const m = o.width;
  const u0 = init.fillNormal(new Float32Array(D * m), 0.01); // [D, m] row-major
  const uVals = new Float32Array(m).map(() => (init.sign() as number) / Math.sqrt(m));
  const xs = data.fillNormal(new Float32Array(o.batch * D), 1 / Math.sqrt(D));
  const ys = new Float32Array(o.batch).map(() => data.sign());
  const lr = 0.1;
  const lambda = 1e-3;
  if (o.impl === 'engine') {
    const net = new SyntheticNet(D / 2, m, 1, u0, uVals);
    const batch = net.makeBatch(xs, ys, o.batch);
    const gradNoise = o.noiseStd > 0 ? { rng: noise, std: o.noiseStd } : null;
    return {
      batch: o.batch,
      flopsPerStep: 4 * o.batch * D * m,
      // webgpu: the fused step runs take (engine/kernels/webgpuSynthetic.ts), here with its
      // loss read after every step so each timed step includes one full GPU round trip.
      step: net.fused
        ? async () => {
            const st = newStepState(1, false);
            net.enqueueStep(batch, null, gradNoise, st, 0, { annealBelow: null, stopAt: -1, stopBeforeAnneal: true, lrBefore: lr, lrAfter: lr, lambda });
            const loss = (await st.data())[STATE_HEADER] ?? Number.NaN;
            st.dispose();
            return loss;
          }
        : () => net.step(batch, lr, lambda, gradNoise, null),
      dispose() {
        tf.dispose([batch.xp, batch.xpT, batch.y]);
        net.dispose();
      },
    };
  }
  const U = tf.tidy(() => tf.variable(tf.tensor2d(u0, [D, m])));
  const u = tf.tensor2d(uVals, [m, 1]);
  const x = tf.tensor2d(xs, [o.batch, D]);
  const y = tf.tensor2d(ys, [o.batch, 1]);
  const lossFn = (): tf.Scalar => tf.mean(tf.softplus(tf.neg(tf.mul(y, tf.matMul(tf.relu(tf.matMul(x, U)), u)))));
  return {
    batch: o.batch,
    flopsPerStep: 4 * o.batch * D * m,
    step() {
      const xi = normals(noise, D * m, o.noiseStd, o.normals);
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn, [U]);
        const g = grads[U.name];
        if (!g) throw new Error('no gradient for U');
        U.assign(tf.sub(U, tf.mul(tf.add(tf.add(g, tf.mul(U, lambda)), tf.tensor2d(xi, [D, m])), lr)));
        return value;
      });
      const v = loss.dataSync()[0] ?? NaN;
      loss.dispose();
      return v;
    },
    dispose() {
      tf.dispose([U, u, x, y]);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Conv nets (docs/paper.md §2.3), NHWC: WRN-16-k (pre-activation) and the small CNN of engine/models
// (conv3×3-BN-ReLU ×3 at widths w, 2w, 4w, strides 1, 2, 2; global average pool; dense).
// Noise: one N(0, σ²) sample of shape (H, W) per site and forward pass, before each ReLU.
// SGD: momentum 0.9, Nesterov, weight decay 5e-4, cross-entropy.

export type ConvArch = { readonly arch: 'wrn'; readonly depth: number; readonly widen: number } | { readonly arch: 'small-cnn'; readonly width: number };

export interface ConvOptions {
  readonly model: ConvArch;
  readonly inputShape: readonly [number, number, number];
  readonly batch: number;
  readonly classes: number;
  readonly noiseStd: number;
  readonly bn: BnMode;
  readonly normals: NormalMode;
  readonly seed: number;
}

interface Bn {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
}

export function convWorkload(o: ConvOptions): Workload {
  const init = Rng.forStream(o.seed, 'init');
  const data = Rng.forStream(o.seed, 'data');
  const noiseRng = Rng.forStream(o.seed, 'noise');
  const params: tf.Variable[] = [];
  const variable = (values: Float32Array, shape: number[]): tf.Variable => {
    const v = tf.variable(tf.tensor(values, shape));
    params.push(v);
    return v;
  };
  const convW = (k: number, cin: number, cout: number): tf.Variable =>
    variable(init.fillNormal(new Float32Array(k * k * cin * cout), Math.sqrt(2 / (k * k * cout))), [k, k, cin, cout]);
  const bnP = (c: number): Bn => ({ gamma: variable(new Float32Array(c).fill(1), [c]), beta: variable(new Float32Array(c), [c]) });
  let flops = 0;
  const convFlops = (h: number, w: number, k: number, cin: number, cout: number): void => {
    flops += 2 * h * w * k * k * cin * cout; // forward multiply-adds ×2, per example
  };

  const bnRelu = (x: tf.Tensor4D, p: Bn): tf.Tensor4D => {
    let y: tf.Tensor4D;
    if (o.bn === 'fused') {
      y = batchNormTrain(x, p.gamma as tf.Tensor1D, p.beta as tf.Tensor1D, 1e-5).y as tf.Tensor4D;
    } else {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      y = tf.batchNorm(x, mean, variance, p.beta as tf.Tensor1D, p.gamma as tf.Tensor1D, 1e-5) as tf.Tensor4D;
    }
    if (o.noiseStd > 0) {
      const [, h, w] = x.shape;
      y = tf.add(y, tf.tensor4d(normals(noiseRng, h * w, o.noiseStd, o.normals), [1, h, w, 1])) as tf.Tensor4D;
    }
    return tf.relu(y);
  };
  // Symmetric PyTorch-style padding, as the models use (engine/models/layers.ts `conv`).
  const conv = (x: tf.Tensor4D, w: tf.Variable, stride: number): tf.Tensor4D => tf.conv2d(x, w as tf.Tensor4D, stride, ((w.shape[0] ?? 1) - 1) / 2);

  const [H, W, C] = o.inputShape;
  let forward: (x: tf.Tensor4D) => tf.Tensor2D;
  if (o.model.arch === 'wrn') {
    const n = (o.model.depth - 4) / 6;
    const widths = [16 * o.model.widen, 32 * o.model.widen, 64 * o.model.widen];
    const stem = convW(3, C, 16);
    convFlops(H, W, 3, C, 16);
    const blocks: { bn1: Bn; c1: tf.Variable; bn2: Bn; c2: tf.Variable; sc: tf.Variable | null; stride: number }[] = [];
    let cin = 16;
    let h = H;
    let w = W;
    widths.forEach((cout, g) => {
      for (let b = 0; b < n; b++) {
        const stride = b === 0 && g > 0 ? 2 : 1;
        const ho = Math.ceil(h / stride);
        const wo = Math.ceil(w / stride);
        blocks.push({ bn1: bnP(cin), c1: convW(3, cin, cout), bn2: bnP(cout), c2: convW(3, cout, cout), sc: cin === cout ? null : convW(1, cin, cout), stride });
        convFlops(ho, wo, 3, cin, cout);
        convFlops(ho, wo, 3, cout, cout);
        if (cin !== cout) convFlops(ho, wo, 1, cin, cout);
        cin = cout;
        h = ho;
        w = wo;
      }
    });
    const bnF = bnP(cin);
    const fcW = variable(init.fillUniform(new Float32Array(cin * o.classes), -1 / Math.sqrt(cin), 1 / Math.sqrt(cin)), [cin, o.classes]);
    const fcB = variable(new Float32Array(o.classes), [o.classes]);
    forward = (x) => {
      let t = conv(x, stem, 1);
      for (const blk of blocks) {
        const a = bnRelu(t, blk.bn1);
        const skip = blk.sc ? conv(a, blk.sc, blk.stride) : t;
        t = tf.add(skip, conv(bnRelu(conv(a, blk.c1, blk.stride), blk.bn2), blk.c2, 1));
      }
      const pooled = tf.mean(bnRelu(t, bnF), [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, fcW as tf.Tensor2D), fcB) as tf.Tensor2D;
    };
  } else {
    const ws = [o.model.width, 2 * o.model.width, 4 * o.model.width];
    const stages: { w: tf.Variable; bn: Bn; stride: number }[] = [];
    let cin = C;
    let h = H;
    let w = W;
    ws.forEach((cout, i) => {
      const stride = i === 0 ? 1 : 2;
      h = Math.ceil(h / stride);
      w = Math.ceil(w / stride);
      stages.push({ w: convW(3, cin, cout), bn: bnP(cout), stride });
      convFlops(h, w, 3, cin, cout);
      cin = cout;
    });
    const fcW = variable(init.fillUniform(new Float32Array(cin * o.classes), -1 / Math.sqrt(cin), 1 / Math.sqrt(cin)), [cin, o.classes]);
    const fcB = variable(new Float32Array(o.classes), [o.classes]);
    forward = (x) => {
      let t = x;
      for (const s of stages) t = bnRelu(conv(t, s.w, s.stride), s.bn);
      return tf.add(tf.matMul(tf.mean(t, [1, 2]) as tf.Tensor2D, fcW as tf.Tensor2D), fcB) as tf.Tensor2D;
    };
  }
  const momenta = params.map((p) => tf.variable(tf.zerosLike(p), false));
  const x = tf.tensor4d(data.fillNormal(new Float32Array(o.batch * H * W * C)), [o.batch, H, W, C]);
  const labels = tf.oneHot(tf.tensor1d(Int32Array.from({ length: o.batch }, () => data.int(o.classes)), 'int32'), o.classes);
  const lr = 0.01;
  const mu = 0.9;
  const wd = 5e-4;
  return {
    batch: o.batch,
    flopsPerStep: 3 * flops * o.batch, // backward ≈ 2× forward (input and filter gradients)
    step() {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, forward(x)) as tf.Scalar, params);
        params.forEach((p, i) => {
          const buf = momenta[i]!;
          const g = tf.add(grads[p.name]!, tf.mul(p, wd));
          const b = tf.add(tf.mul(buf, mu), g);
          buf.assign(b);
          p.assign(tf.sub(p, tf.mul(tf.add(g, tf.mul(b, mu)), lr)));
        });
        return value;
      });
      const v = loss.dataSync()[0] ?? NaN;
      loss.dispose();
      return v;
    },
    dispose() {
      tf.dispose([...params, ...momenta, x, labels]);
    },
  };
}
