/**
 * One training step and evaluation, shared by the image experiment and the engine benchmark.
 * Loss: mean softmax cross-entropy, L = −(1/B)·Σ_b log softmax(f(x_b))_{y_b}; weight decay is
 * the optimizer's (so `loss` is the unregularized training loss).
 */
import * as tf from '@tensorflow/tfjs';
import type { Sgd } from '../optim';
import type { ImageModel, NoiseSource } from './types';

export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, classes);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

export interface StepResult {
  /** Mean cross-entropy of the batch (before the update). */
  readonly loss: number;
  /** Correct predictions in the batch (before the update). */
  readonly correct: number;
}

export interface BatchInput {
  /** Normalized NHWC values, batch × H × W × C. */
  readonly x: Float32Array;
  readonly labels: Int32Array;
  readonly batch: number;
}

/**
 * One SGD step on a batch: forward in training mode (batch-stat BN, noise), backward, update.
 * Leaves no tensors behind. Reads the loss and the count correct back in one asynchronous read
 * (the webgpu backend has no synchronous one), which divergence checks need anyway.
 */
export async function trainStep(model: ImageModel, optimizer: Sgd, input: BatchInput, lr: number, noise: NoiseSource | null, inputShape: readonly [number, number, number], classes: number): Promise<StepResult> {
  const [h, w, c] = inputShape;
  const out = tf.tidy(() => {
    const x = tf.tensor4d(input.x.subarray(0, input.batch * h * w * c), [input.batch, h, w, c]);
    const y = tf.tensor1d(input.labels.subarray(0, input.batch), 'int32');
    let correct: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true, noise });
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')) as tf.Scalar);
      return crossEntropy(logits, y, classes);
    }, [...model.params.values()]);
    const byName = new Map<string, tf.Tensor>();
    for (const [name, v] of model.params) {
      const g = grads[v.name];
      if (g) byName.set(name, g);
    }
    optimizer.step(model.params, byName, lr);
    // Loss and count in one tensor: one read per step (on a GPU each read is a round trip).
    const kept = correct as unknown as tf.Scalar; // kept out of variableGrads' own tidy
    const both = tf.stack([value, kept]);
    kept.dispose();
    return both;
  });
  const [loss = NaN, correct = 0] = await out.data();
  out.dispose();
  return { loss, correct };
}

/** Sum of losses and count correct over a batch, in eval mode (running BN stats, no noise). */
export async function evaluateBatch(model: ImageModel, input: BatchInput, inputShape: readonly [number, number, number], classes: number): Promise<{ lossSum: number; correct: number }> {
  const [h, w, c] = inputShape;
  const both = tf.tidy(() => {
    const x = tf.tensor4d(input.x.subarray(0, input.batch * h * w * c), [input.batch, h, w, c]);
    const y = tf.tensor1d(input.labels.subarray(0, input.batch), 'int32');
    const logits = model.apply(x, { training: false });
    const lossSum = crossEntropy(logits, y, classes).mul(input.batch);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'));
    return tf.stack([lossSum, correct]);
  });
  const [lossSum = NaN, correct = 0] = await both.data();
  both.dispose();
  return { lossSum, correct };
}
