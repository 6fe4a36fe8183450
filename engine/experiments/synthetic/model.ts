/**
 * The two-layer ReLU net of spec §1.2 on tfjs, with a hand-written gradient.
 *
 *   f(x) = Σ_j Σ_i u_{j,i} [⟨U_i, x^(j)⟩ + Ξ_i]_+      (j over the k patches; k = 1: plain net)
 *
 * U is kept transposed, `UT` ∈ R^{D×m} with D = 2d/k (rows 0..d/k−1 act on x1 = W, the rest on
 * x2 = V), and the data is kept both as Xp [n·k, D] and XpT [D, n·k]. Then every matmul is
 * un-transposed (H = Xp·UT, ∇UT = XpT·dH), which XNNPACK runs ~20× faster on wasm than the
 * transposed matmuls autodiff would produce (engine-performance.md, finding 3).
 *
 * Logistic loss ℓ = log(1 + e^{−yf}); dℓ/df = −y·σ(−yf). With G = (dℓ/df / n) ⊗ u:
 *   ∂L̂/∂UT = XpT · (G ⊙ 1[H + Ξ > 0]),   ∇L̂_λ = ∂L̂/∂UT + λ·UT.
 */
import * as tf from '@tensorflow/tfjs';

/** Training examples laid out for one step (the full set, or a minibatch). */
export interface StepBatch {
  /** Examples in the batch. */
  readonly n: number;
  /** [n·k, D] patch rows. */
  readonly xp: tf.Tensor2D;
  /** [D, n·k]. */
  readonly xpT: tf.Tensor2D;
  /** [n, 1] labels ±1. */
  readonly y: tf.Tensor2D;
}

/** An evaluation set in chunks; x1p/x2p are the patch rows split into their x1 and x2 halves. */
export interface EvalChunk {
  readonly n: number;
  readonly x1p: tf.Tensor2D;
  readonly x2p: tf.Tensor2D;
}

export interface Outputs {
  /** f = r + g per example. */
  readonly f: Float32Array;
  /** r(x) = Σ u_i a_i(x) ⟨W_i, x1⟩, the part driven by P. */
  readonly r: Float32Array;
  /** g(x) = Σ u_i a_i(x) ⟨V_i, x2⟩, the part driven by Q. */
  readonly g: Float32Array;
}

/** Rearranges row-major [n, 2d] examples into [n·k, 2d/k] patch rows (x1 patch j, then x2 patch j). */
export function toPatchRows(x: Float32Array, n: number, d: number, k: number): Float32Array {
  if (k === 1) return x;
  const s = d / k;
  const out = new Float32Array(x.length);
  for (let e = 0; e < n; e++) {
    for (let j = 0; j < k; j++) {
      const dst = (e * k + j) * 2 * s;
      const src = e * 2 * d + j * s;
      out.set(x.subarray(src, src + s), dst);
      out.set(x.subarray(src + d, src + d + s), dst + s);
    }
  }
  return out;
}

export class SyntheticNet {
  /** Patch-row width D = 2d/k. */
  readonly D: number;
  /** Half of D: rows [0, half) of UT are W, rows [half, D) are V. */
  readonly half: number;
  readonly UT: tf.Variable<tf.Rank.R2>;
  private readonly uCol: tf.Tensor2D;
  private readonly uRow: tf.Tensor2D;

  constructor(
    readonly d: number,
    readonly m: number,
    readonly k: number,
    /** [D, m] row-major initial UT. */
    u0T: Float32Array,
    /** [k·m] fixed second layer, patch-major. */
    u: Float32Array,
  ) {
    this.D = (2 * d) / k;
    this.half = d / k;
    const init = tf.tensor2d(u0T, [this.D, m]);
    this.UT = tf.variable(init, false, undefined, 'float32') as tf.Variable<tf.Rank.R2>;
    init.dispose();
    this.uCol = tf.tensor2d(u, [k * m, 1]);
    this.uRow = tf.tensor2d(u, [1, k * m]);
  }

  /** Builds a step batch from patch rows [n·k, D] and labels (caller disposes). */
  makeBatch(xp: Float32Array, y: Float32Array, n: number): StepBatch {
    return tf.tidy(() => {
      const xpT = tf.tensor2d(xp, [n * this.k, this.D]);
      return { n, xp: xpT, xpT: tf.transpose(xpT) as tf.Tensor2D, y: tf.tensor2d(y, [n, 1]) };
    });
  }

  /** Splits patch rows into evaluation chunks of at most `chunk` examples (caller disposes). */
  makeEvalChunks(xp: Float32Array, n: number, chunk = 2048): EvalChunk[] {
    const out: EvalChunk[] = [];
    const rowLen = this.k * this.D;
    for (let s = 0; s < n; s += chunk) {
      const c = Math.min(chunk, n - s);
      out.push(
        tf.tidy(() => {
          const x = tf.tensor2d(xp.subarray(s * rowLen, (s + c) * rowLen), [c * this.k, this.D]);
          return { n: c, x1p: x.slice([0, 0], [-1, this.half]) as tf.Tensor2D, x2p: x.slice([0, this.half], [-1, this.half]) as tf.Tensor2D };
        }),
      );
    }
    return out;
  }

  /** Pre-activations H (+ Ξ) and the network output f [n, 1] for a batch. */
  private forward(b: StepBatch, preNoise: tf.Tensor2D | null): { hn: tf.Tensor2D; f: tf.Tensor2D } {
    const h = tf.matMul(b.xp, this.UT);
    const hn = (preNoise ? tf.add(h, preNoise) : h) as tf.Tensor2D;
    const a = tf.reshape(tf.relu(hn), [b.n, this.k * this.m]);
    return { hn, f: tf.matMul(a, this.uCol) };
  }

  /**
   * Unregularized loss L̂ (scalar) and the gradient of L̂_λ with respect to UT, as tensors
   * (call inside tf.tidy). `preNoise` is Ξ_t as [1, m] or null.
   */
  lossAndGrad(b: StepBatch, lambda: number, preNoise: tf.Tensor2D | null): { loss: tf.Scalar; grad: tf.Tensor2D } {
    const { hn, f } = this.forward(b, preNoise);
    const margin = tf.mul(b.y, f);
    const loss = tf.mean(tf.softplus(tf.neg(margin))) as tf.Scalar;
    // dℓ/df / n = −y σ(−y f) / n
    const coef = tf.mul(tf.mul(b.y, tf.sigmoid(tf.neg(margin))), -1 / b.n);
    const gOut = tf.reshape(tf.mul(coef, this.uRow), [b.n * this.k, this.m]);
    const dH = tf.mul(gOut, tf.step(hn));
    let grad = tf.matMul(b.xpT, dH);
    if (lambda !== 0) grad = tf.add(grad, tf.mul(this.UT, lambda));
    return { loss, grad: grad as tf.Tensor2D };
  }

  /**
   * L̂ at the current weights (read back, with the step's pre-activation noise Ξ if any) and
   * ∇L̂_λ kept for `apply`, so the caller can decide the rate (anneal, stop) from this loss.
   */
  computeGradient(b: StepBatch, lambda: number, preNoise: Float32Array | null): { loss: number; grad: tf.Tensor2D } {
    const { loss, grad } = tf.tidy(() => {
      const pn = preNoise ? tf.tensor2d(preNoise, [1, this.m]) : null;
      return this.lossAndGrad(b, lambda, pn);
    });
    const v = loss.dataSync()[0] ?? Number.NaN;
    loss.dispose();
    return { loss: v, grad };
  }

  /** UT ← UT − lr·(grad + ξ); disposes `grad`. */
  apply(grad: tf.Tensor2D, lr: number, xi: Float32Array | null): void {
    tf.tidy(() => {
      const g = xi ? tf.add(grad, tf.tensor2d(xi, [this.D, this.m])) : grad;
      this.UT.assign(tf.sub(this.UT, tf.mul(g, lr)) as tf.Tensor2D);
    });
    grad.dispose();
  }

  /** One update; returns L̂ before it. */
  step(b: StepBatch, lr: number, lambda: number, xi: Float32Array | null, preNoise: Float32Array | null): number {
    const { loss, grad } = this.computeGradient(b, lambda, preNoise);
    this.apply(grad, lr, xi);
    return loss;
  }

  /** Noise-free outputs f, r, g on evaluation chunks (evaluation never adds pre-activation noise). */
  evaluate(chunks: readonly EvalChunk[]): Outputs {
    const n = chunks.reduce((s, c) => s + c.n, 0);
    const f = new Float32Array(n);
    const r = new Float32Array(n);
    const g = new Float32Array(n);
    let off = 0;
    for (const c of chunks) {
      const [rt, gt] = tf.tidy(() => {
        const wT = this.UT.slice([0, 0], [this.half, -1]);
        const vT = this.UT.slice([this.half, 0], [this.half, -1]);
        const h1 = tf.matMul(c.x1p, wT);
        const h2 = tf.matMul(c.x2p, vT);
        // a_i(x) = 1[⟨U_i, x⟩ ≥ 0]
        const a = tf.cast(tf.greaterEqual(tf.add(h1, h2), 0), 'float32');
        const sum = (h: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(tf.mul(a, h), [c.n, this.k * this.m]), this.uCol), [c.n]);
        return [sum(h1), sum(h2)];
      });
      const rv = rt.dataSync() as Float32Array;
      const gv = gt.dataSync() as Float32Array;
      rt.dispose();
      gt.dispose();
      for (let i = 0; i < c.n; i++) {
        r[off + i] = rv[i]!;
        g[off + i] = gv[i]!;
        f[off + i] = rv[i]! + gv[i]!;
      }
      off += c.n;
    }
    return { f, r, g };
  }

  /** ‖W‖_F, ‖V‖_F and ‖U‖²_F. */
  norms(): { W: number; V: number; sq: number } {
    const t = tf.tidy(() => {
      const sq = tf.square(this.UT);
      return tf.stack([tf.sum(sq.slice([0, 0], [this.half, -1])), tf.sum(sq.slice([this.half, 0], [this.half, -1]))]);
    });
    const [w2 = Number.NaN, v2 = Number.NaN] = t.dataSync();
    t.dispose();
    return { W: Math.sqrt(w2), V: Math.sqrt(v2), sq: w2 + v2 };
  }

  /** Copy of UT [D, m] row-major. */
  readWeights(): Float32Array {
    return Float32Array.from(this.UT.dataSync() as Float32Array);
  }

  setWeights(uT: Float32Array): void {
    tf.tidy(() => this.UT.assign(tf.tensor2d(uT, [this.D, this.m])));
  }

  dispose(): void {
    this.UT.dispose();
    this.uCol.dispose();
    this.uRow.dispose();
  }
}

export function disposeBatch(b: StepBatch): void {
  b.xp.dispose();
  b.xpT.dispose();
  b.y.dispose();
}

export function disposeChunks(cs: readonly EvalChunk[]): void {
  for (const c of cs) {
    c.x1p.dispose();
    c.x2p.dispose();
  }
}
