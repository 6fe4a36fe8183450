// engine/models: image models on tfjs ops and our own variables (WRN-d-k, small CNN, BN,
// pre-activation noise) plus one training step. Imports tfjs and engine/{random,optim,kernels}.
//
// For the engine benchmark (one SGD step of WRN-16-4 32×32×3 or the small CNN 28×28×1, batch 128):
//   const model = buildModel({ arch: 'wrn', depth: 16, widen: 4 }, { inputShape: [32, 32, 3], classes: 10, rng });
//   const opt = new Sgd({ momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, model.params);   // engine/optim
//   await trainStep(model, opt, { x, labels, batch: 128 }, lr, noise /* {std, rng} or null */, [32, 32, 3], 10);
//   model.dispose(); opt.dispose();
// `trainStep` (async) = forward (training-mode BN, noise) + backward + Nesterov SGD update, one read of the loss.
import type { BuildOptions, ImageModel, ModelConfig } from './types';
import { buildSmallCnn, smallCnnParameterCount } from './smallCnn';
import { buildWrn, wrnParameterCount } from './wrn';

export type { BuildOptions, ForwardOptions, ImageModel, ModelConfig, NoiseSource } from './types';
export { BN_EPSILON, BN_MOMENTUM, batchNorm, batchNormPlain, noiseSite } from './layers';
export { buildWrn, wrnParameterCount } from './wrn';
export { buildSmallCnn, smallCnnParameterCount } from './smallCnn';
export { crossEntropy, evaluateBatch, trainStep } from './train';
export type { BatchInput, StepResult } from './train';

/** Builds the model a spec's `model` field describes. */
export function buildModel(config: ModelConfig, options: BuildOptions): ImageModel {
  return config.arch === 'wrn' ? buildWrn(config.depth, config.widen, options) : buildSmallCnn(config.width, options);
}

/** Parameter count of a config without allocating it. */
export function modelParameterCount(config: ModelConfig, inputShape: readonly [number, number, number], classes: number): number {
  const [h, w, c] = inputShape;
  return config.arch === 'wrn' ? wrnParameterCount(config.depth, config.widen, c, classes) : smallCnnParameterCount(config.width, c, classes, h, w);
}
