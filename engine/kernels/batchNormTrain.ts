/**
 * Training-mode batch normalization with a hand-written backward pass.
 *
 * Autodiff of `tf.moments` + `tf.batchNorm` spends most of its time in `Tile` and
 * broadcasting; the closed form below needs a few reductions and elementwise ops. The
 * per-channel sums are a global average pool and a small matmul (see columnSums):
 * tfjs-backend-wasm reduces over leading axes by first transposing the whole tensor (~30×
 * slower on [128,32,32,64]), while both of these run on XNNPACK. Two-pass variance (of x − μ), so a
 * mean far from 0 costs no precision.
 * Over the n = N·H·W positions of each channel (all axes but the last):
 *   μ = mean(x),  σ² = mean((x − μ)²) (biased, as in training),  r = 1/√(σ² + ε)
 *   x̂ = (x − μ)·r,  y = γ·x̂ + β
 * and with g = ∂L/∂y:
 *   ∂L/∂β = Σ g,  ∂L/∂γ = Σ g·x̂,
 *   ∂L/∂x = γ·r·(g − ∂L/∂β / n − x̂·(∂L/∂γ) / n),
 * expanded in x − μ (x̂ = (x − μ)·r), so each full-size op is one multiply, add or subtract.
 * The backward pass keeps x (alive anyway), so it stores no extra activation-sized tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL } from './onednn';

export interface BatchNormTrainResult {
  /** Normalized, scaled and shifted output, same shape as x. */
  readonly y: tf.Tensor;
  /** Per-channel batch mean (shape [C]); not differentiated (for running statistics). */
  readonly mean: tf.Tensor1D;
  /** Per-channel biased batch variance (shape [C]); not differentiated. */
  readonly variance: tf.Tensor1D;
}

let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | null = null;

type BnFn = (x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor;
const byEps = new Map<number, BnFn>();

/**
 * Per-channel sums times `scale` of x2d [n, C], which is `shape` (channels last) flattened.
 * For images, a global average pool per example (XNNPACK, one pass) and then a [1, N]·[N, C]
 * matmul: 5–9× faster on wasm than the [1, n]·[n, C] matmul alone, whose right operand
 * XNNPACK repacks (a transposing copy) on every call. Otherwise that matmul.
 */
function columnSums(x2d: tf.Tensor2D, shape: readonly number[], scale: number): tf.Tensor1D {
  const [n, c] = x2d.shape;
  if (shape.length === 4) {
    const [N = 1, H = 1, W = 1] = shape;
    if (H * W > 1) {
      const means = tf.reshape(tf.avgPool(tf.reshape(x2d, [N, H, W, c]) as tf.Tensor4D, [H, W], [H, W], 'valid'), [N, c]);
      return tf.reshape(tf.matMul(tf.fill([1, N], scale * H * W), means), [c]);
    }
  }
  return tf.reshape(tf.matMul(tf.fill([1, n], scale), x2d), [c]);
}

function bnTrainFor(eps: number): BnFn {
  const cached = byEps.get(eps);
  if (cached) return cached;
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    if (x.rank === 4 && x.dtype === 'float32' && tf.getKernel(BN_TRAIN_KERNEL, tf.getBackend())) {
      // One native pass each way (engine/kernels/onednn) instead of ~10 elementwise ops.
      const [y, mean, variance] = tf.engine().runKernel(BN_TRAIN_KERNEL, { x, gamma, beta }, { eps }) as tf.Tensor[];
      save([x, mean!, variance!, gamma]);
      stats = { mean: tf.keep(mean as tf.Tensor1D), variance: tf.keep(variance as tf.Tensor1D) };
      return {
        value: y!,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [xs, mu, v, gm] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
          return tf.engine().runKernel(BN_TRAIN_GRAD_KERNEL, { x: xs, mean: mu, variance: v, dy: dy as tf.Tensor, gamma: gm }, { eps }) as tf.Tensor[];
        },
      };
    }
    const c = x.shape[x.rank - 1] ?? 1;
    const n = x.size / c;
    const x2d = tf.reshape(x, [n, c]) as tf.Tensor2D;
    const mean = columnSums(x2d, x.shape, 1 / n);
    const centered = tf.sub(x2d, mean) as tf.Tensor2D;
    const variance = columnSums(tf.square(centered) as tf.Tensor2D, x.shape, 1 / n);
    const invStd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
    const y = tf.reshape(tf.add(tf.mul(centered, tf.mul(gamma, invStd)), beta), x.shape);
    save([x, mean, invStd, gamma]);
    // Hand the statistics out of the forward pass (which runs in its own tidy).
    stats = { mean: tf.keep(mean), variance: tf.keep(variance) };
    return {
      value: y,
      // Inside tidy: tfjs keeps every tensor created during backprop (outside a tidy) until
      // the whole gradient is done, so the temporaries here would add to the step's peak.
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const g = dy as tf.Tensor;
          const [xs, mu, r, gm] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
          const g2d = tf.reshape(g, [n, c]) as tf.Tensor2D;
          const centered = tf.sub(tf.reshape(xs, [n, c]), mu) as tf.Tensor2D;
          const dBeta = columnSums(g2d, xs.shape, 1);
          // Σ g·x̂ = r·Σ g·(x − μ)
          const dGamma = tf.mul(r, columnSums(tf.mul(g2d, centered) as tf.Tensor2D, xs.shape, 1));
          // dx = a·g + b·(x − μ) + k, with a = γ·r, b = −a·r·∂γ/n, k = −a·∂β/n
          const a = tf.mul(gm, r);
          const b = tf.neg(tf.div(tf.mul(tf.mul(a, r), dGamma), n));
          const k = tf.neg(tf.div(tf.mul(a, dBeta), n));
          const dx = tf.reshape(tf.add(tf.mul(g2d, a), tf.add(tf.mul(centered, b), k)), xs.shape);
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
