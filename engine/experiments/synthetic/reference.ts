/**
 * A tensor-free, plain-TypeScript step of the two-layer net (k = 1, no pre-activation noise):
 * the correctness reference for the tfjs step and the baseline the benchmark compares with.
 * Same math as model.ts:  H = X Uᵀ,  f = Σ u_i [H]_+,  ∇U = Σ_n (dℓ/df_n / n) u_i 1[H_ni > 0] x_n + λU.
 */
export interface ReferenceNet {
  readonly n: number;
  /** Input width 2d. */
  readonly D: number;
  readonly m: number;
  /** [n, D] row-major. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** [m, D] row-major, updated in place. */
  readonly U: Float32Array;
  readonly u: Float32Array;
}

/** Unregularized loss L̂ and ∇L̂_λ (as [m, D]) at the current U. */
export function referenceGradient(net: ReferenceNet, lambda: number): { loss: number; grad: Float32Array } {
  const { n, D, m, x, y, U, u } = net;
  const grad = new Float32Array(m * D);
  const h = new Float64Array(m);
  let loss = 0;
  for (let e = 0; e < n; e++) {
    const xe = e * D;
    let f = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      const ui = i * D;
      for (let j = 0; j < D; j++) s += U[ui + j]! * x[xe + j]!;
      h[i] = s;
      if (s > 0) f += u[i]! * s;
    }
    const t = -y[e]! * f;
    loss += Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
    const coef = (-y[e]! / (1 + Math.exp(-t))) / n; // −y σ(−yf) / n
    for (let i = 0; i < m; i++) {
      if (!(h[i]! > 0)) continue;
      const c = coef * u[i]!;
      const ui = i * D;
      for (let j = 0; j < D; j++) grad[ui + j] = grad[ui + j]! + c * x[xe + j]!;
    }
  }
  if (lambda !== 0) for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! + lambda * U[i]!;
  return { loss: loss / n, grad };
}

/** U ← U − lr (∇L̂_λ + ξ); returns L̂ before the update. */
export function referenceStep(net: ReferenceNet, lr: number, lambda: number, xi: Float32Array | null): number {
  const { loss, grad } = referenceGradient(net, lambda);
  const U = net.U;
  for (let i = 0; i < U.length; i++) U[i] = U[i]! - lr * (grad[i]! + (xi ? xi[i]! : 0));
  return loss;
}
