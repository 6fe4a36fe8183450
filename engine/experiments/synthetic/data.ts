/**
 * The P/Q distribution of Section 2 (docs/paper.md §1.1), drawn in plain TypeScript from the run's Rng.
 *
 *   kind P-only (prob p0): x1 ~ P_y, x2 = 0
 *   kind Q-only (prob q0): x1 = 0,   x2 ~ Q_y
 *   kind both   (rest):    x1 ~ P_y, x2 ~ Q_y
 *   P_y: x1 = y(γ0 + |s|) w* + g⊥,  s ~ N(0, 1/d), g⊥ ~ N(0, (I − w*w*ᵀ)/d)
 *   Q_y: α ~ U(0,1); y = +1: x2 = αz; y = −1: x2 = α(z ± ζ), ± with probability 1/2
 */
import type { Rng } from '../../random';

export const KIND_P_ONLY = 0;
export const KIND_Q_ONLY = 1;
export const KIND_BOTH = 2;
export const KIND_NAMES = ['p_only', 'q_only', 'both'] as const;

export interface Patterns {
  readonly d: number;
  /** Unit vector w* of P. */
  readonly wStar: Float32Array;
  /** Unit vector z of Q. */
  readonly z: Float32Array;
  /** ζ ⟂ z, ‖ζ‖ = r. */
  readonly zeta: Float32Array;
  readonly gamma0: number;
}

export interface Dataset {
  readonly n: number;
  readonly d: number;
  /** Row-major [n, 2d]: x1 in columns 0..d−1, x2 in d..2d−1. */
  readonly x: Float32Array;
  /** Labels ±1. */
  readonly y: Float32Array;
  /** KIND_P_ONLY, KIND_Q_ONLY or KIND_BOTH per example. */
  readonly kind: Uint8Array;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function scaleTo(v: Float32Array, norm: number): Float32Array {
  const n = Math.sqrt(dot(v, v));
  for (let i = 0; i < v.length; i++) v[i] = (v[i]! / n) * norm;
  return v;
}

/**
 * Draws w*, z and ζ (random directions; ζ orthogonalized against z). With `qSupport`, z and ζ
 * live on the last `qSupport` coordinates only (App. E.2's simplifying assumption).
 */
export function drawPatterns(rng: Rng, d: number, r: number, gamma0: number, qSupport = d): Patterns {
  const wStar = scaleTo(rng.fillNormal(new Float32Array(d)), 1);
  const z = new Float32Array(d);
  const zeta = new Float32Array(d);
  const off = d - qSupport;
  for (let i = off; i < d; i++) z[i] = rng.normal();
  scaleTo(z, 1);
  for (let i = off; i < d; i++) zeta[i] = rng.normal();
  // Gram–Schmidt twice for float32 orthogonality, then scale to ‖ζ‖ = r.
  for (let pass = 0; pass < 2; pass++) {
    const c = dot(zeta, z);
    for (let i = 0; i < d; i++) zeta[i] = zeta[i]! - c * z[i]!;
  }
  scaleTo(zeta, r);
  return { d, wStar, z, zeta, gamma0 };
}

/** Draws n examples of the distribution with kind probabilities p0, q0, 1 − p0 − q0. */
export function drawDataset(rng: Rng, pat: Patterns, n: number, p0: number, q0: number): Dataset {
  const d = pat.d;
  const x = new Float32Array(n * 2 * d);
  const y = new Float32Array(n);
  const kind = new Uint8Array(n);
  const sd = 1 / Math.sqrt(d);
  const g = new Float64Array(d);
  for (let e = 0; e < n; e++) {
    const u = rng.uniform();
    const k = u < p0 ? KIND_P_ONLY : u < p0 + q0 ? KIND_Q_ONLY : KIND_BOTH;
    const label = rng.sign();
    kind[e] = k;
    y[e] = label;
    const row = e * 2 * d;
    if (k !== KIND_Q_ONLY) {
      const s = sd * rng.normal();
      let c = 0;
      for (let i = 0; i < d; i++) {
        g[i] = sd * rng.normal();
        c += g[i]! * pat.wStar[i]!;
      }
      const along = label * (pat.gamma0 + Math.abs(s)) - c; // removes g's w* component
      for (let i = 0; i < d; i++) x[row + i] = g[i]! + along * pat.wStar[i]!;
    }
    if (k !== KIND_P_ONLY) {
      const alpha = rng.uniform();
      const sgn = label > 0 ? 0 : rng.sign();
      for (let i = 0; i < d; i++) x[row + d + i] = alpha * (pat.z[i]! + sgn * pat.zeta[i]!);
    }
  }
  return { n, d, x, y, kind };
}

/** Empirical fractions of P-only and Q-only examples (the paper's p and q). */
export function kindFractions(ds: Dataset): { p: number; q: number; both: number } {
  let p = 0;
  let q = 0;
  for (let i = 0; i < ds.n; i++) {
    if (ds.kind[i] === KIND_P_ONLY) p++;
    else if (ds.kind[i] === KIND_Q_ONLY) q++;
  }
  return { p: p / ds.n, q: q / ds.n, both: (ds.n - p - q) / ds.n };
}
