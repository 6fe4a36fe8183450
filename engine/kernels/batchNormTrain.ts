/**
 * Training-mode batch normalization with a hand-written backward pass.
 *
 * Autodiff of `tf.moments` + `tf.batchNorm` spends most of its time in `Tile` and
 * broadcasting; the closed form below needs a few reductions and elementwise ops.
 * Over the n = N·H·W positions of each channel (all axes but the last):
 *   μ = mean(x),  σ² = mean((x − μ)²) (biased, as in training),  r = 1/√(σ² + ε)
 *   x̂ = (x − μ)·r,  y = γ·x̂ + β
 * and with g = ∂L/∂y:
 *   ∂L/∂β = Σ g,  ∂L/∂γ = Σ g·x̂,
 *   ∂L/∂x = γ·r·(g − ∂L/∂β / n − x̂·(∂L/∂γ) / n).
 * The backward pass keeps x (alive anyway) and recomputes x̂, so it stores no extra
 * activation-sized tensor.
 */
import * as tf from '@tensorflow/tfjs';

export interface BatchNormTrainResult {
  /** Normalized, scaled and shifted output, same shape as x. */
  readonly y: tf.Tensor;
  /** Per-channel batch mean (shape [C]); not differentiated (for running statistics). */
  readonly mean: tf.Tensor1D;
  /** Per-channel biased batch variance (shape [C]); not differentiated. */
  readonly variance: tf.Tensor1D;
}

function reductionAxes(rank: number): number[] {
  return Array.from({ length: rank - 1 }, (_, i) => i);
}

let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | null = null;

type BnFn = (x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor;
const byEps = new Map<number, BnFn>();

function bnTrainFor(eps: number): BnFn {
  const cached = byEps.get(eps);
  if (cached) return cached;
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const axes = reductionAxes(x.rank);
    const { mean, variance } = tf.moments(x, axes);
    const invStd = tf.rsqrt(tf.add(variance, eps));
    const y = tf.batchNorm(x, mean, variance, beta, gamma, eps);
    save([x, mean, invStd, gamma]);
    // Hand the statistics out of the forward pass (which runs in its own tidy).
    stats = { mean: tf.keep(mean as tf.Tensor1D), variance: tf.keep(variance as tf.Tensor1D) };
    return {
      value: y,
      // Inside tidy: tfjs keeps every tensor created during backprop (outside a tidy) until
      // the whole gradient is done, so the temporaries here would add to the step's peak.
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const g = dy as tf.Tensor;
          const [xs, mu, r, gm] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
          const n = xs.size / (xs.shape[xs.rank - 1] ?? 1);
          const xhat = tf.mul(tf.sub(xs, mu), r);
          const dBeta = tf.sum(g, axes);
          const dGamma = tf.sum(tf.mul(g, xhat), axes);
          const centered = tf.sub(tf.sub(g, tf.div(dBeta, n)), tf.mul(xhat, tf.div(dGamma, n)));
          const dx = tf.mul(centered, tf.mul(gm, r));
          return [dx, dGamma, dBeta];
        }),
    };
  }) as unknown as BnFn;
  byEps.set(eps, fn);
  return fn;
}

/**
 * Batch norm in training mode over all axes but the last (channels last).
 * Gradients flow to x, gamma and beta; mean and variance are returned for running stats.
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): BatchNormTrainResult {
  const y = bnTrainFor(eps)(x, gamma, beta);
  const s = stats;
  stats = null;
  if (!s) throw new Error('batchNormTrain: forward pass produced no statistics');
  // Re-own the kept statistics in the caller's scope (clone shares the data).
  const mean = tf.clone(s.mean);
  const variance = tf.clone(s.variance);
  s.mean.dispose();
  s.variance.dispose();
  return { y, mean, variance };
}
