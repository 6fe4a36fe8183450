/**
 * A small all-convolutional net for CPU-scale runs (no pooling layers, whose gradients are
 * slow on wasm): three conv3×3-BN-noise-ReLU stages of width w, 2w, 4w with strides 1, 2, 2
 * (28×28 → 28, 14, 7), then a dense layer on the flattened 7×7×4w map. (A global average
 * pool, as in WRN, left this shallow net with a 15-pixel receptive field and it learned
 * Fashion-MNIST slowly.) Same init, BN and noise sites (3) as WRN.
 */
import type * as tf from '@tensorflow/tfjs';
import { ParamStore, bnNoiseRelu, conv } from './layers';
import { finishModel } from './wrn';
import type { BuildOptions, ForwardOptions, ImageModel } from './types';

export function smallCnnParameterCount(width: number, inChannels: number, classes: number, height: number, widthPx: number): number {
  const w = [width, 2 * width, 4 * width];
  let total = 0;
  let cin = inChannels;
  for (const c of w) {
    total += 9 * cin * c + 2 * c;
    cin = c;
  }
  return total + finalPositions(height, widthPx) * cin * classes + classes;
}

/** Spatial positions after strides 1, 2, 2 with symmetric padding 1 (ceil(H/2) per stride-2 stage). */
function finalPositions(h: number, w: number): number {
  return Math.ceil(Math.ceil(h / 2) / 2) * Math.ceil(Math.ceil(w / 2) / 2);
}

export function buildSmallCnn(width: number, options: BuildOptions): ImageModel {
  const store = new ParamStore(options.rng);
  const stages: { w: tf.Variable; bn: ReturnType<ParamStore['bn']>; stride: number }[] = [];
  let cin = options.inputShape[2];
  [width, 2 * width, 4 * width].forEach((c, i) => {
    stages.push({ w: store.conv(`conv${i + 1}`, 3, cin, c), bn: store.bn(`bn${i + 1}`, c), stride: i === 0 ? 1 : 2 });
    cin = c;
  });
  const flat = finalPositions(options.inputShape[0], options.inputShape[1]) * cin;
  const fc = store.dense('fc', flat, options.classes);
  function apply(x: tf.Tensor4D, fo: ForwardOptions): tf.Tensor2D {
    let h = x;
    for (const s of stages) h = bnNoiseRelu(conv(h, s.w, s.stride), s.bn, fo);
    const flatH = h.reshape([h.shape[0], flat]) as tf.Tensor2D;
    return flatH.matMul(fc.w as tf.Tensor2D).add(fc.b) as tf.Tensor2D;
  }
  return finishModel({ arch: 'small-cnn', width }, store, stages.length, apply);
}
