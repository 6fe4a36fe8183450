/**
 * The two-layer ReLU net of docs/paper.md §1.2 on tfjs, with a hand-written gradient.
 *
 *   f(x) = Σ_j Σ_i u_{j,i} [⟨U_i, x^(j)⟩ + Ξ_i]_+      (j over the k patches; k = 1: plain net)
 *
 * U ∈ R^{m×D} is stored row per neuron (D = 2d/k; columns 0..d/k−1 act on x1 = W, the rest on
 * x2 = V), and the data both as Xp [n·k, D] and XpT [D, n·k]. Every matmul is then
 * un-transposed with the fixed data as its right operand:
 *   Hᵀ = U·XpT  [m, n·k],     ∂L̂/∂U = dHᵀ·Xp  [m, D].
 * On wasm that keeps XNNPACK's fast path (a transposed matmul is ~20× slower,
 * docs/engine-performance.md finding 3), XNNPACK packs the right operand once per batch tensor and
 * caches it (full-batch runs pack the data once), and the m-row outputs tile better than the
 * earlier [n, m] layout: 1.7–2× faster on the d = 1024 workload (engine/bench).
 *
 * Logistic loss ℓ = log(1 + e^{−yf}); dℓ/df = −y·σ(−yf). With Gᵀ[i, (e,j)] = u_{j,i}·dℓ/df_e / n:
 *   ∂L̂/∂U = (Gᵀ ⊙ 1[Hᵀ + Ξ > 0])·Xp,   ∇L̂_λ = ∂L̂/∂U + λU.
 * The update U ← U − η(∇L̂_λ + ξ) runs as one pass over U's storage where the backend allows
 * (engine/kernels/inPlace), drawing ξ on the fly. Checkpoints, the initial weights and the
 * gradient noise keep the earlier [D, m] ("UT") order, so runs and checkpoints are unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { enqueueSyntheticStep, ownsStorage, readableData, sgdUpdateTransposed, syntheticEvalChunk, webgpuKernelsAvailable, writableData } from '../../kernels';
import type { StepDecision } from '../../kernels';
import type { Rng } from '../../random';

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

/** An evaluation set in chunks. */
export interface EvalChunk {
  readonly n: number;
  /** [d/k, n·k]: the x1 halves of the patch rows, transposed. */
  readonly x1pT: tf.Tensor2D;
  /** [d/k, n·k]: the x2 halves. */
  readonly x2pT: tf.Tensor2D;
}

/** Gradient noise ξ ~ N(0, std²) per weight, drawn from `rng` in [D, m] order. */
export interface GradientNoise {
  readonly rng: Rng;
  readonly std: number;
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

/** [rows, cols] row-major → [cols, rows], in cache-sized blocks. */
export function transposeMatrix(a: Float32Array, rows: number, cols: number, out = new Float32Array(rows * cols)): Float32Array {
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = a[r * cols + c]!;
    }
  }
  return out;
}

/** Rows of [D, m]-ordered noise drawn per block of the fused update (256 × m floats: fewer passes over U). */
const NOISE_ROWS = 256;

export class SyntheticNet {
  /** Patch-row width D = 2d/k. */
  readonly D: number;
  /** Half of D: columns [0, half) of U are W, columns [half, D) are V. */
  readonly half: number;
  /**
   * U [m, D], updated in place by `apply` where the backend allows: it must never be the
   * right operand of a matMul (wasm caches the packed right operand by tensor id).
   */
  readonly U: tf.Variable<tf.Rank.R2>;
  /** [k, m]: row j is the second layer of patch j. */
  private readonly uKM: tf.Tensor2D;
  /** [m, 1, k]: u_{j,i} at [i, 0, j]. */
  private readonly uM1K: tf.Tensor3D;
  /** [k, 1, k] identity: picks patch j's own output out of every patch's. */
  private readonly eye: tf.Tensor3D;
  private scratch: Float32Array | null = null;
  /** webgpu: a [1] zero bound where a fused kernel's optional input is absent. */
  private gpuDummy: tf.Tensor1D | null = null;

  constructor(
    readonly d: number,
    readonly m: number,
    readonly k: number,
    /** [D, m] row-major initial weights (the checkpoint layout). */
    u0T: Float32Array,
    /** [k·m] fixed second layer, patch-major. */
    u: Float32Array,
  ) {
    this.D = (2 * d) / k;
    this.half = d / k;
    const init = tf.tensor2d(transposeMatrix(u0T, this.D, m), [m, this.D]);
    this.U = tf.variable(init, false, undefined, 'float32') as tf.Variable<tf.Rank.R2>;
    init.dispose();
    this.uKM = tf.tensor2d(u, [k, m]);
    this.uM1K = tf.tensor3d(transposeMatrix(u, k, m), [m, 1, k]);
    const eye = new Float32Array(k * k);
    for (let j = 0; j < k; j++) eye[j * k + j] = 1;
    this.eye = tf.tensor3d(eye, [k, 1, k]);
    if (this.fused) this.gpuDummy = tf.zeros([1]);
  }

  /** Builds a step batch from patch rows [n·k, D] and labels (caller disposes). */
  makeBatch(xp: Float32Array, y: Float32Array, n: number): StepBatch {
    return tf.tidy(() => {
      const x = tf.tensor2d(xp, [n * this.k, this.D]);
      return { n, xp: x, xpT: tf.transpose(x) as tf.Tensor2D, y: tf.tensor2d(y, [n, 1]) };
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
          const xT = tf.transpose(tf.tensor2d(xp.subarray(s * rowLen, (s + c) * rowLen), [c * this.k, this.D]));
          return { n: c, x1pT: xT.slice([0, 0], [this.half, -1]) as tf.Tensor2D, x2pT: xT.slice([this.half, 0], [this.half, -1]) as tf.Tensor2D };
        }),
      );
    }
    return out;
  }

  /** f_e = Σ_j Σ_i u_{j,i} A[i, e·k + j] for A [m, n·k]: the output as [n]. */
  private output(a: tf.Tensor2D, n: number): tf.Tensor1D {
    const all = tf.matMul(this.uKM, a); // [k, n·k]: every patch's second layer on every column
    if (this.k === 1) return tf.reshape(all, [n]);
    return tf.sum(tf.mul(tf.reshape(all, [this.k, n, this.k]), this.eye), [0, 2]);
  }

  /**
   * Unregularized loss L̂ (scalar) and its gradient ∂L̂/∂U [m, D], as tensors (call inside
   * tf.tidy). `preNoise` is Ξ_t as [m, 1] (shared by every example, App. E.1), as [m, n·k] (one
   * draw per example and patch, column e·k + j), or null.
   */
  lossAndGrad(b: StepBatch, preNoise: tf.Tensor2D | null): { loss: tf.Scalar; grad: tf.Tensor2D } {
    const h = tf.matMul(this.U, b.xpT); // Hᵀ [m, n·k]
    const hn = preNoise ? tf.add(h, preNoise) : h;
    const f = tf.reshape(this.output(tf.relu(hn) as tf.Tensor2D, b.n), [b.n, 1]);
    const margin = tf.mul(b.y, f);
    const loss = tf.mean(tf.softplus(tf.neg(margin))) as tf.Scalar;
    // dℓ/df / n = −y σ(−y f) / n, spread over neurons and patches: Gᵀ [m, n·k]
    const coef = tf.mul(tf.mul(b.y, tf.sigmoid(tf.neg(margin))), -1 / b.n);
    const gOut = tf.reshape(tf.mul(this.uM1K, tf.reshape(coef, [1, b.n, 1])), [this.m, b.n * this.k]);
    const dH = tf.mul(gOut, tf.step(hn));
    return { loss, grad: tf.matMul(dH, b.xp) };
  }

  /**
   * L̂ at the current weights (read back, with the step's pre-activation noise Ξ if any) and
   * ∂L̂/∂U kept for `apply`, so the caller can decide the rate (anneal, stop) from this loss.
   */
  async computeGradient(b: StepBatch, preNoise: Float32Array | null): Promise<{ loss: number; grad: tf.Tensor2D }> {
    const cols = b.n * this.k;
    if (preNoise && preNoise.length !== this.m && preNoise.length !== this.m * cols) {
      throw new RangeError(`pre-activation noise has ${preNoise.length} values; expected m = ${this.m} (shared) or m·n·k = ${this.m * cols} (per example)`);
    }
    const { loss, grad } = tf.tidy(() => this.lossAndGrad(b, preNoise ? tf.tensor2d(preNoise, [this.m, preNoise.length === this.m ? 1 : cols]) : null));
    // Asynchronous read: the webgpu backend has no synchronous one (wasm and cpu answer at once).
    const v = (await loss.data())[0] ?? Number.NaN;
    loss.dispose();
    return { loss: v, grad };
  }

  /**
   * U ← U − lr·(grad + λU + ξ), ξ ~ N(0, noise.std²) drawn from noise.rng in [D, m] order;
   * disposes `grad`. One pass over U's storage on wasm and cpu; tfjs ops elsewhere (webgpu:
   * ξ is drawn on the CPU from the same stream, so every backend adds the same numbers, and
   * uploaded with the step; the update is four elementwise GPU ops on U's buffer).
   */
  apply(grad: tf.Tensor2D, lr: number, lambda: number, noise: GradientNoise | null): void {
    const { D, m } = this;
    const g = readableData(grad);
    const u = g ? writableData(this.U) : null;
    if (g && u) {
      if (!noise) {
        sgdUpdateTransposed(u, g, lr, lambda, D, m, null);
      } else {
        const scratch = (this.scratch ??= new Float32Array(NOISE_ROWS * m));
        for (let r0 = 0; r0 < D; r0 += NOISE_ROWS) {
          const rows = Math.min(NOISE_ROWS, D - r0);
          const data = noise.rng.fillNormal(scratch.subarray(0, rows * m), noise.std);
          sgdUpdateTransposed(u, g, lr, lambda, D, m, { data, r0, rows });
        }
      }
    } else {
      const xi = noise ? transposeMatrix(noise.rng.fillNormal(new Float32Array(D * m), noise.std), D, m) : null;
      tf.tidy(() => {
        let step = tf.add(grad, tf.mul(this.U, lambda));
        if (xi) step = tf.add(step, tf.tensor2d(xi, [m, D]));
        this.U.assign(tf.sub(this.U, tf.mul(step, lr)) as tf.Tensor2D);
      });
    }
    grad.dispose();
  }

  /**
   * True where a step runs as fused GPU kernels with no read back (webgpu,
   * engine/kernels/webgpuSynthetic.ts): use `enqueueStep` and read the losses per chunk.
   */
  get fused(): boolean {
    return webgpuKernelsAvailable();
  }

  /**
   * webgpu: enqueues one whole step (gradient, decisions, update) without reading anything
   * back. L̂ goes to `state`'s slot `slot`; the update is skipped once the state says the run
   * stopped (diverged, or L̂ ≤ the stop threshold), and the rate is the state's (annealed on the
   * GPU when L̂ drops below `decision.annealBelow`). ξ is drawn here on the CPU from
   * `noise.rng`, in the same [D, m] order as every other backend's.
   */
  enqueueStep(b: StepBatch, preNoise: Float32Array | null, noise: GradientNoise | null, state: tf.Tensor1D, slot: number, decision: StepDecision): void {
    if (!ownsStorage(this.U)) {
      // U's buffer is shared (a clone or reshape of it lives): give U its own before writing it in place.
      const own = tf.mul(this.U, 1) as tf.Tensor2D;
      this.U.assign(own);
      own.dispose();
    }
    const dummy = (this.gpuDummy ??= tf.zeros([1]) as tf.Tensor1D);
    const pre = preNoise ? tf.tensor1d(preNoise) : null;
    const xi = noise ? tf.tensor1d(noise.rng.fillNormal(new Float32Array(this.D * this.m), noise.std)) : null;
    try {
      enqueueSyntheticStep({ m: this.m, D: this.D, k: this.k }, b.n, this.U, b.xp, b.xpT, b.y, this.uKM, pre, xi, state, slot, decision, dummy);
    } finally {
      pre?.dispose();
      xi?.dispose();
    }
  }

  /** One update; returns L̂ before it. */
  async step(b: StepBatch, lr: number, lambda: number, noise: GradientNoise | null, preNoise: Float32Array | null): Promise<number> {
    const { loss, grad } = await this.computeGradient(b, preNoise);
    this.apply(grad, lr, lambda, noise);
    return loss;
  }

  /**
   * Noise-free outputs f, r, g on evaluation chunks (evaluation never adds pre-activation noise).
   * `fused` (webgpu only; default there): one kernel per chunk and all reads in flight together,
   * instead of the tfjs ops (kept for the benchmark's before/after).
   */
  async evaluate(chunks: readonly EvalChunk[], fused = this.fused): Promise<Outputs> {
    const n = chunks.reduce((s, c) => s + c.n, 0);
    const f = new Float32Array(n);
    const r = new Float32Array(n);
    const g = new Float32Array(n);
    let off = 0;
    if (fused) {
      // One fused kernel and one read per chunk, all reads in flight together.
      const [W, V] = tf.tidy(() => [this.U.slice([0, 0], [-1, this.half]), this.U.slice([0, this.half], [-1, this.half])]);
      const outs = chunks.map((c) => syntheticEvalChunk({ m: this.m, D: this.D, k: this.k }, c.n, W!, V!, c.x1pT, c.x2pT, this.uKM));
      tf.dispose([W!, V!]);
      const vals = await Promise.all(outs.map(async (o) => (await o.data()) as Float32Array));
      tf.dispose(outs);
      chunks.forEach((c, ci) => {
        const v = vals[ci]!;
        for (let i = 0; i < c.n; i++) {
          r[off + i] = v[i]!;
          g[off + i] = v[c.n + i]!;
          f[off + i] = v[i]! + v[c.n + i]!;
        }
        off += c.n;
      });
      return { f, r, g };
    }
    const [W, V] = tf.tidy(() => [this.U.slice([0, 0], [-1, this.half]), this.U.slice([0, this.half], [-1, this.half])]);
    for (const c of chunks) {
      const [rt, gt] = tf.tidy(() => {
        const h1 = tf.matMul(W!, c.x1pT); // [m, c·k]
        const h2 = tf.matMul(V!, c.x2pT);
        // a_i(x) = 1[⟨U_i, x⟩ ≥ 0]
        const a = tf.cast(tf.greaterEqual(tf.add(h1, h2), 0), 'float32');
        return [this.output(tf.mul(a, h1), c.n), this.output(tf.mul(a, h2), c.n)];
      });
      const rv = (await rt.data()) as Float32Array;
      const gv = (await gt.data()) as Float32Array;
      rt.dispose();
      gt.dispose();
      for (let i = 0; i < c.n; i++) {
        r[off + i] = rv[i]!;
        g[off + i] = gv[i]!;
        f[off + i] = rv[i]! + gv[i]!;
      }
      off += c.n;
    }
    tf.dispose([W!, V!]);
    return { f, r, g };
  }

  /** ‖W‖_F, ‖V‖_F and ‖U‖²_F. */
  async norms(): Promise<{ W: number; V: number; sq: number }> {
    const t = tf.tidy(() => {
      const sq = tf.square(this.U);
      return tf.stack([tf.sum(sq.slice([0, 0], [-1, this.half])), tf.sum(sq.slice([0, this.half], [-1, this.half]))]);
    });
    const [w2 = Number.NaN, v2 = Number.NaN] = await t.data();
    t.dispose();
    return { W: Math.sqrt(w2), V: Math.sqrt(v2), sq: w2 + v2 };
  }

  /** Copy of the weights as UT [D, m] row-major (the checkpoint layout). */
  async readWeights(): Promise<Float32Array> {
    return transposeMatrix((await this.U.data()) as Float32Array, this.m, this.D);
  }

  /** Sets the weights from UT [D, m] row-major. */
  setWeights(uT: Float32Array): void {
    tf.tidy(() => this.U.assign(tf.tensor2d(transposeMatrix(uT, this.D, this.m), [this.m, this.D])));
  }

  dispose(): void {
    tf.dispose([this.U, this.uKM, this.uM1K, this.eye]);
    this.gpuDummy?.dispose();
    this.gpuDummy = null;
  }
}

export function disposeBatch(b: StepBatch): void {
  b.xp.dispose();
  b.xpT.dispose();
  b.y.dispose();
}

export function disposeChunks(cs: readonly EvalChunk[]): void {
  for (const c of cs) {
    c.x1pT.dispose();
    c.x2pT.dispose();
  }
}
