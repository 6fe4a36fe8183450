/**
 * The synthetic two-layer net's training step and evaluation as fused WGSL kernels on the webgpu
 * backend (tfjs-backend-webgpu's custom-program API, `runWebGPUProgram`), so a step is four GPU
 * dispatches instead of ~20 tfjs ops and needs no read back to the CPU.
 *
 * Why (engine/backend/README.md, "webgpu: dispatches and reads"): on lavapipe every dispatch
 * costs ~0.5–1 ms of fixed overhead whatever its size, and every read waits for the whole
 * queue; on a real GPU a read is a full CPU–GPU round trip that stalls the pipeline. The tfjs-op
 * step (engine/experiments/synthetic/model.ts `lossAndGrad` + `apply`) ran 20 dispatches, 4
 * uploads and one loss read per step.
 *
 * One step (model.ts has the maths: f = Σ_j Σ_i u_{j,i} relu(h), ℓ = log(1 + e^{−yf})):
 *   A  H = U·Xpᵀ                             [m, n·k]   tfjs's matmul (Ξ is added where H is read)
 *   B  per example: f, margin, ℓ_e, coef_e = −y σ(−y f)/n                  [2n]
 *   L  one workgroup: L̂ = mean ℓ_e, written into the step's slot of a state buffer, and the
 *      run's decisions taken on the GPU from it (diverged, anneal below a threshold, stop at
 *      or below ε): a stopped run's later updates are skipped, so the CPU can read the state
 *      once per chunk of steps (at evaluation points) and find exactly where it stopped.
 *   D  ∂L̂/∂H = u_{j,i} coef_e 1[H + Ξ > 0]   [m, n·k]
 *   G  ∂L̂/∂U = ∂L̂/∂H · Xp                   [m, D]     tfjs's matmul
 *   C  U ← U − lr·(∂L̂/∂U + λU + ξ) in place; lr is the state's (annealed or not), ξ is [D, m]
 *      as drawn on the CPU. Skipped once the state says stopped.
 * The two products stay tfjs's tiled matmuls: a naive one-output-per-invocation WGSL product
 * (and a fused product + update) measured 2–3× slower on lavapipe than the tfjs-op step.
 * Evaluation: per chunk two tfjs matmuls and one kernel computing r and g per example.
 */
import * as tf from '@tensorflow/tfjs';

interface TensorInfoLike {
  readonly dataId: object;
  readonly shape: number[];
  readonly dtype: 'float32';
}

interface WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size?: boolean;
  getUserCode(): string;
}

type Uniform = { type: 'float32' | 'int32'; data: number[] };

interface WebgpuBackendLike {
  runWebGPUProgram(program: WebgpuProgram, inputs: TensorInfoLike[], dtype: 'float32', uniforms?: Uniform[], output?: TensorInfoLike): TensorInfoLike;
  readonly tensorMap: { get(dataId: object): { values: unknown } | undefined };
  refCount(dataId: object): number;
}

/** True when the fused kernels can run (the current backend is webgpu). */
export function webgpuKernelsAvailable(): boolean {
  return tf.getBackend() === 'webgpu';
}

function backend(): WebgpuBackendLike {
  if (tf.getBackend() !== 'webgpu') throw new Error('webgpu synthetic kernels need the webgpu backend');
  return tf.backend() as unknown as WebgpuBackendLike;
}

/** A tensor seen as a flat float32 array (the kernels index it themselves). */
function flat(t: tf.Tensor): TensorInfoLike {
  return { dataId: t.dataId, shape: [t.size], dtype: 'float32' };
}

const WG = 64;

/** `outSize`: floats in the output buffer; `invocations`: how many run (one per index). */
function program(key: string, outSize: number, invocations: number, inputs: string[], uniforms: string, code: string, workgroup = WG): WebgpuProgram {
  return {
    outputShape: [outSize],
    shaderKey: key,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(invocations / workgroup), 1, 1],
    variableNames: inputs,
    workgroupSize: [workgroup, 1, 1],
    uniforms,
    getUserCode: () => code,
  };
}

function run(p: WebgpuProgram, inputs: tf.Tensor[], uniforms: Uniform[], output?: tf.Tensor): tf.Tensor1D {
  const b = backend();
  if (output) {
    const info = flat(output);
    b.runWebGPUProgram(p, inputs.map(flat), 'float32', uniforms, info);
    // Written in place: a copy tfjs kept on the CPU from an earlier read is stale now.
    const data = b.tensorMap.get(output.dataId);
    if (data) data.values = null;
    return output as tf.Tensor1D;
  }
  const info = b.runWebGPUProgram(p, inputs.map(flat), 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor1D;
}

// One uniform entry per scalar: tfjs aligns a multi-value entry as a vector, while the struct
// fields declared below are scalars.
const i32 = (...data: number[]): Uniform[] => data.map((v) => ({ type: 'int32', data: [v] }));
const f32 = (...data: number[]): Uniform[] => data.map((v) => ({ type: 'float32', data: [v] }));

/** Slots before the per-step losses in the state buffer. */
export const STATE_HEADER = 8;
/** State buffer fields (f32): 0 stopped, 1 annealed, 2 stop slot (−1), 3 anneal slot (−1). */
export const STATE = { stopped: 0, annealed: 1, stopSlot: 2, annealSlot: 3 } as const;

/** A fresh state buffer for a chunk of `slots` steps, annealed or not at its start. */
export function newStepState(slots: number, annealed: boolean): tf.Tensor1D {
  const s = new Float32Array(STATE_HEADER + slots).fill(Number.NaN);
  s[STATE.stopped] = 0;
  s[STATE.annealed] = annealed ? 1 : 0;
  s[STATE.stopSlot] = -1;
  s[STATE.annealSlot] = -1;
  for (let i = 4; i < STATE_HEADER; i++) s[i] = 0;
  return tf.tensor1d(s);
}

export interface SyntheticShapes {
  readonly m: number;
  readonly D: number;
  readonly k: number;
}

export interface StepDecision {
  /** Anneal when L̂ < this (null: never on the loss). */
  readonly annealBelow: number | null;
  /** Stop (without the update) when L̂ ≤ this, once annealed or when `stopBeforeAnneal`. */
  readonly stopAt: number;
  readonly stopBeforeAnneal: boolean;
  readonly lrBefore: number;
  readonly lrAfter: number;
  readonly lambda: number;
}

// NaN and Inf by their bits: shader compilers may assume finite floats, and max(NaN, 0) may be 0.
// A NaN is written from tfjs's uniforms.NAN (WGSL rejects a NaN constant).
const FINITE = `fn isFiniteF(x : f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) < 0x7f800000u; }`;

/**
 * Enqueues one training step: the kernels above. `x` is Xp [n·k, D], `xT` its
 * transpose, `y` [n], `u` the second layer [k, m], `pre` Ξ ([m] shared, [m·n·k] per column, or
 * null), `xi` ξ in [D, m] order or null. Updates `U` in place (unless the state says stopped)
 * and writes L̂ into `state[STATE_HEADER + slot]`. Reads nothing back.
 */
export function enqueueSyntheticStep(
  s: SyntheticShapes,
  n: number,
  U: tf.Tensor,
  x: tf.Tensor,
  xT: tf.Tensor,
  y: tf.Tensor,
  u: tf.Tensor,
  pre: tf.Tensor | null,
  xi: tf.Tensor | null,
  state: tf.Tensor,
  slot: number,
  d: StepDecision,
  dummy: tf.Tensor,
): void {
  const { m, D, k } = s;
  const cols = n * k;
  const preMode = pre === null ? 0 : pre.size === m ? 1 : 2;
  if (pre !== null && pre.size !== m && pre.size !== m * cols) throw new RangeError(`pre-activation noise has ${pre.size} values; expected ${m} or ${m * cols}`);
  if (xi !== null && xi.size !== m * D) throw new RangeError(`gradient noise has ${xi.size} values; expected ${m * D}`);
  if (slot < 0 || STATE_HEADER + slot >= state.size) throw new RangeError(`step slot ${slot} outside the state buffer`);
  const dims = 'm : i32, D : i32, k : i32, n : i32,';
  const dimU = i32(m, D, k, n);
  // Pre-activations H + Ξ, read where they are used.
  const hn = `fn hn(i : i32, col : i32) -> f32 {
        var v = H[i * uniforms.n * uniforms.k + col];
        if (uniforms.preMode == 1) { v = v + P[i]; }
        if (uniforms.preMode == 2) { v = v + P[i * uniforms.n * uniforms.k + col]; }
        return v;
      }`;
  // H = U·Xpᵀ [m, n·k]: tfjs's tiled matmul (fast on GPUs; a naive kernel was 2–3× slower on lavapipe).
  const h = tf.matMul(U as tf.Tensor2D, xT as tf.Tensor2D);
  // B: per example e: f, ℓ_e = softplus(−y f) (tfjs's formula), coef_e = −y σ(−y f)/n.
  const coef = run(
    program('lrlab_synth_coef', 2 * n, n, ['H', 'P', 'Us', 'Y'], `${dims} preMode : i32, negInvN : f32,`, `
      ${hn}
      ${FINITE}
      fn softplus(a : f32) -> f32 {
        let threshold = log(1.1920928955078125e-7) + 2.0;
        if (a > -threshold) { return a; }
        if (a < threshold) { return exp(a); }
        return log(exp(a) + 1.0);
      }
      fn main(e : i32) {
        if (e >= uniforms.n) { return; }
        var f = 0.0;
        var finite = true;
        for (var j = 0; j < uniforms.k; j++) {
          for (var i = 0; i < uniforms.m; i++) {
            let v = hn(i, e * uniforms.k + j);
            finite = finite && isFiniteF(v);
            f = f + Us[j * uniforms.m + i] * max(v, 0.0);
          }
        }
        let margin = Y[e] * f;
        result[e] = (Y[e] * (1.0 / (1.0 + exp(margin)))) * uniforms.negInvN;
        // A NaN or Inf pre-activation makes the loss NaN (the trainer's divergence).
        if (finite) { result[uniforms.n + e] = softplus(-margin); } else { result[uniforms.n + e] = uniforms.NAN; }
      }`),
    [h, pre ?? dummy, u, y],
    [...dimU, ...i32(preMode), ...f32(-1 / n)],
  );
  // L: one workgroup sums ℓ_e; thread 0 records L̂ and decides (in the trainer's order).
  run(
    program('lrlab_synth_loss', state.size, 256, ['C'], `${dims} slot : i32, hasAnneal : i32, annealBelow : f32, stopAt : f32, stopBeforeAnneal : i32,`, `
      ${FINITE}
      var<workgroup> part : array<f32, 256>;
      var<workgroup> bad : array<u32, 256>;
      fn main(t : i32) {
        var acc = 0.0;
        var nonFinite = 0u;
        for (var e = t; e < uniforms.n; e = e + 256) {
          let v = C[uniforms.n + e];
          if (isFiniteF(v)) { acc = acc + v; } else { nonFinite = 1u; }
        }
        part[t] = acc;
        bad[t] = nonFinite;
        workgroupBarrier();
        for (var w = 128; w > 0; w = w / 2) {
          if (t < w) {
            part[t] = part[t] + part[t + w];
            bad[t] = bad[t] | bad[t + w];
          }
          workgroupBarrier();
        }
        if (t != 0 || result[${STATE.stopped}] != 0.0) { return; }
        var loss = part[0] / f32(uniforms.n);
        if (bad[0] != 0u) { loss = uniforms.NAN; }
        result[${STATE_HEADER} + uniforms.slot] = loss;
        if (!isFiniteF(loss)) {
          result[${STATE.stopped}] = 1.0;
          result[${STATE.stopSlot}] = f32(uniforms.slot);
          return;
        }
        if (result[${STATE.annealed}] == 0.0 && uniforms.hasAnneal != 0 && loss < uniforms.annealBelow) {
          result[${STATE.annealed}] = 1.0;
          result[${STATE.annealSlot}] = f32(uniforms.slot);
        }
        if ((result[${STATE.annealed}] != 0.0 || uniforms.stopBeforeAnneal != 0) && loss <= uniforms.stopAt) {
          result[${STATE.stopped}] = 1.0;
          result[${STATE.stopSlot}] = f32(uniforms.slot);
        }
      }`, 256),
    [coef],
    [...dimU, ...i32(slot, d.annealBelow === null ? 0 : 1), ...f32(d.annealBelow ?? 0, d.stopAt), ...i32(d.stopBeforeAnneal ? 1 : 0)],
    state,
  );
  // D: ∂L̂/∂H [m, n·k] = u_{j,i} coef_e 1[H + Ξ > 0].
  const dH = run(
    program('lrlab_synth_dh', m * cols, m * cols, ['H', 'P', 'Us', 'C'], `${dims} preMode : i32,`, `
      ${hn}
      fn main(index : i32) {
        let cols = uniforms.n * uniforms.k;
        if (index >= uniforms.m * cols) { return; }
        let i = index / cols;
        let col = index - i * cols;
        let e = col / uniforms.k;
        let j = col - e * uniforms.k;
        var v = 0.0;
        if (hn(i, col) > 0.0) { v = Us[j * uniforms.m + i] * C[e]; }
        result[index] = v;
      }`),
    [h, pre ?? dummy, u, coef],
    [...dimU, ...i32(preMode)],
  );
  h.dispose();
  coef.dispose();
  const grad = tf.tidy(() => tf.matMul(tf.reshape(dH, [m, cols]) as tf.Tensor2D, x as tf.Tensor2D));
  dH.dispose();
  // C: U ← U − lr·(∂L̂/∂U + λU + ξ) in place, skipped once the state says stopped.
  run(
    program('lrlab_synth_update', m * D, m * D, ['G', 'Xi', 'S'], `${dims} hasXi : i32, lrBefore : f32, lrAfter : f32, lambda : f32,`, `
      fn main(index : i32) {
        if (index >= uniforms.m * uniforms.D || S[${STATE.stopped}] != 0.0) { return; }
        let i = index / uniforms.D;
        let c = index - i * uniforms.D;
        var lr = uniforms.lrBefore;
        if (S[${STATE.annealed}] != 0.0) { lr = uniforms.lrAfter; }
        let w = result[index];
        var step = G[index] + w * uniforms.lambda;
        if (uniforms.hasXi != 0) { step = step + Xi[c * uniforms.m + i]; }
        result[index] = w - step * lr;
      }`),
    [grad, xi ?? dummy, state],
    [...dimU, ...i32(xi === null ? 0 : 1), ...f32(d.lrBefore, d.lrAfter, d.lambda)],
    U,
  );
  grad.dispose();
}

/**
 * Noise-free outputs of one evaluation chunk: [2·n], r then g per example, where
 * r_e = Σ_j Σ_i u_{j,i} 1[h1 + h2 ≥ 0] h1 and g_e likewise with h2, from h1 = W·x1 and h2 = V·x2
 * ([m, n·k], tfjs matmuls).
 */
export function syntheticEvalChunk(s: SyntheticShapes, n: number, W: tf.Tensor, V: tf.Tensor, x1T: tf.Tensor, x2T: tf.Tensor, u: tf.Tensor): tf.Tensor1D {
  const { m, D, k } = s;
  const h1 = tf.matMul(W as tf.Tensor2D, x1T as tf.Tensor2D);
  const h2 = tf.matMul(V as tf.Tensor2D, x2T as tf.Tensor2D);
  const out = run(
    program('lrlab_synth_eval', 2 * n, n, ['H1', 'H2', 'Us'], 'm : i32, D : i32, k : i32, n : i32,', `
      fn main(e : i32) {
        if (e >= uniforms.n) { return; }
        let cols = uniforms.n * uniforms.k;
        var r = 0.0;
        var g = 0.0;
        for (var j = 0; j < uniforms.k; j++) {
          let col = e * uniforms.k + j;
          for (var i = 0; i < uniforms.m; i++) {
            let a = H1[i * cols + col];
            let b = H2[i * cols + col];
            if (a + b >= 0.0) {
              let uji = Us[j * uniforms.m + i];
              r = r + uji * a;
              g = g + uji * b;
            }
          }
        }
        result[e] = r;
        result[uniforms.n + e] = g;
      }`),
    [h1, h2, u],
    i32(m, D, k, n),
  );
  h1.dispose();
  h2.dispose();
  return out;
}

/** Whether `t`'s GPU storage is its own (not shared with a reshape or clone), so it may be written in place. */
export function ownsStorage(t: tf.Tensor): boolean {
  return backend().refCount(t.dataId) === 1;
}
