import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';

/** Model configs (the `model` field of an image RunSpec). */
export type ModelConfig =
  | { readonly arch: 'wrn'; readonly depth: number; readonly widen: number }
  | { readonly arch: 'small-cnn'; readonly width: number };

/** Pre-activation noise for one forward pass: std σ and the run's 'noise' stream. */
export interface NoiseSource {
  readonly std: number;
  readonly rng: Rng;
}

export interface ForwardOptions {
  /** Training mode: batch statistics in BN (and running stats updated), noise added. */
  readonly training: boolean;
  /** Ignored unless training; std 0 draws nothing. */
  readonly noise?: NoiseSource | null;
}

export interface ImageModel {
  readonly config: ModelConfig;
  /** Trainable parameters, by name, in a fixed order (checkpoints rely on it). */
  readonly params: ReadonlyMap<string, tf.Variable>;
  /** BN running means and variances (not trained), by name, in a fixed order. */
  readonly state: ReadonlyMap<string, tf.Variable>;
  /** How many noise sites a forward pass has (13 for WRN-16). */
  readonly noiseSites: number;
  /** Logits [batch, classes] for NHWC input. Call inside tf.tidy (or a gradient function). */
  apply(x: tf.Tensor4D, options: ForwardOptions): tf.Tensor2D;
  parameterCount(): number;
  dispose(): void;
}

export interface BuildOptions {
  /** [height, width, channels]. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  /** Draws every initial weight (the run's 'init' stream). */
  readonly rng: Rng;
}
