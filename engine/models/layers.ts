/**
 * The building blocks, as plain tfjs ops on our own variables so that init, BN mode and the
 * noise sites are exactly the spec's and every backend computes the same thing.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTrain } from '../kernels';
import type { Rng } from '../random';
import type { ForwardOptions } from './types';

export const BN_EPSILON = 1e-5;
/** PyTorch's convention: running = (1 − m)·running + m·batch, with the unbiased batch variance. */
export const BN_MOMENTUM = 0.1;

/** Collects named variables in creation order. */
export class ParamStore {
  readonly params = new Map<string, tf.Variable>();
  readonly state = new Map<string, tf.Variable>();

  constructor(private readonly rng: Rng) {}

  private add(map: Map<string, tf.Variable>, name: string, values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
    if (this.params.has(name) || this.state.has(name)) throw new Error(`duplicate parameter ${name}`);
    // tidy frees the initial-value tensor; the variable itself survives it.
    const v = tf.tidy(() => tf.variable(tf.tensor(values, shape), trainable, name + '_' + uniqueSuffix()));
    map.set(name, v);
    return v;
  }

  /** 3×3 (or k×k) conv filter [k, k, in, out], N(0, 2/(k·k·out)) (He init, fan-out). */
  conv(name: string, k: number, cin: number, cout: number): tf.Variable {
    const n = k * k * cin * cout;
    return this.add(this.params, name, this.rng.fillNormal(new Float32Array(n), Math.sqrt(2 / (k * k * cout))), [k, k, cin, cout], true);
  }

  /** Dense layer as PyTorch's default: W, b ~ U(−1/√fan_in, 1/√fan_in); bias zero as in WRN code. */
  dense(name: string, cin: number, cout: number): { w: tf.Variable; b: tf.Variable } {
    const bound = 1 / Math.sqrt(cin);
    const w = this.add(this.params, `${name}.w`, this.rng.fillUniform(new Float32Array(cin * cout), -bound, bound), [cin, cout], true);
    const b = this.add(this.params, `${name}.b`, new Float32Array(cout), [cout], true);
    return { w, b };
  }

  /** BN: γ = 1, β = 0; running mean 0, running variance 1. */
  bn(name: string, c: number): BatchNormParams {
    return {
      gamma: this.add(this.params, `${name}.gamma`, new Float32Array(c).fill(1), [c], true),
      beta: this.add(this.params, `${name}.beta`, new Float32Array(c), [c], true),
      runningMean: this.add(this.state, `${name}.running_mean`, new Float32Array(c), [c], false),
      runningVar: this.add(this.state, `${name}.running_var`, new Float32Array(c).fill(1), [c], false),
    };
  }
}

let suffix = 0;
function uniqueSuffix(): string {
  suffix += 1;
  return String(suffix);
}

export interface BatchNormParams {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
}

/**
 * Batch norm over N, H, W of an NHWC tensor.
 * Training: y = γ·(x − μ_B)/√(σ²_B + ε) + β with the (biased) batch statistics, and the
 * running statistics move toward μ_B and the unbiased σ²_B·n/(n−1).
 * Evaluation: the running statistics.
 * Training mode uses engine/kernels' `batchNormTrain` (hand-written backward, checked there
 * and in layers.test.ts against `batchNormPlain`, the same formula as plain tfjs ops).
 */
export function batchNorm(x: tf.Tensor4D, p: BatchNormParams, training: boolean, impl: 'kernel' | 'plain' = 'kernel'): tf.Tensor4D {
  if (!training) {
    return tf.tidy(() => x.sub(p.runningMean).mul(p.gamma.div(p.runningVar.add(BN_EPSILON).sqrt())).add(p.beta) as tf.Tensor4D);
  }
  const { y, mean, variance } =
    impl === 'kernel' ? batchNormTrain(x, p.gamma as tf.Tensor1D, p.beta as tf.Tensor1D, BN_EPSILON) : batchNormPlain(x, p.gamma as tf.Tensor1D, p.beta as tf.Tensor1D);
  // Running statistics (not trained: the gradient only follows y).
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  const unbias = n > 1 ? n / (n - 1) : 1;
  const m = BN_MOMENTUM;
  tf.tidy(() => {
    p.runningMean.assign(p.runningMean.mul(1 - m).add(mean.mul(m)));
    p.runningVar.assign(p.runningVar.mul(1 - m).add(variance.mul(m * unbias)));
  });
  mean.dispose();
  variance.dispose();
  return y as tf.Tensor4D;
}

/** Training-mode BN as plain tfjs ops (autodiff backward): the reference on every backend. */
export function batchNormPlain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const mean = tf.mean(x, [0, 1, 2]) as tf.Tensor1D;
  const centered = x.sub(mean);
  const variance = tf.mean(centered.square(), [0, 1, 2]) as tf.Tensor1D;
  const y = centered.mul(gamma.mul(variance.add(BN_EPSILON).rsqrt())).add(beta) as tf.Tensor4D;
  return { y, mean, variance };
}

/**
 * Pre-activation noise site: adds one N(0, σ²) sample of shape (H, W), broadcast over the
 * batch and the channels. Training only; σ = 0 adds (and draws) nothing.
 */
export function noiseSite(x: tf.Tensor4D, options: ForwardOptions): tf.Tensor4D {
  const noise = options.noise;
  if (!options.training || !noise || noise.std === 0) return x;
  const [, h, w] = x.shape;
  const sample = noise.rng.fillNormal(new Float32Array(h * w), noise.std);
  return x.add(tf.tensor4d(sample, [1, h, w, 1]));
}

/** BN → noise → ReLU: the pre-activation unit of WRN blocks. */
export function bnNoiseRelu(x: tf.Tensor4D, p: BatchNormParams, options: ForwardOptions): tf.Tensor4D {
  return tf.relu(noiseSite(batchNorm(x, p, options.training), options));
}

/**
 * k×k convolution with PyTorch's `padding = (k − 1)/2` on every side (docs/science.md): 1 for
 * the 3×3 convs, 0 for the 1×1 shortcuts. At stride 1 this equals tfjs 'same'; at stride 2 on
 * an even input 'same' would pad 0 rows/cols before and 1 after, putting the 3×3 path one pixel
 * off the 1×1 shortcut and off the authors' model. Output sizes match 'same' for odd k.
 */
export function conv(x: tf.Tensor4D, w: tf.Variable, stride: number): tf.Tensor4D {
  const k = w.shape[0] ?? 1;
  if (k % 2 !== 1 || w.shape[1] !== k) throw new RangeError(`conv expects an odd square kernel, got ${w.shape[0]}×${w.shape[1]}`);
  return tf.conv2d(x, w as tf.Tensor4D, stride, (k - 1) / 2);
}
