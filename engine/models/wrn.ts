/**
 * WideResNet-d-k (Zagoruyko & Komodakis; the authors' PyTorch code): conv3×3 → 3 groups of
 * n = (d − 4)/6 pre-activation blocks (channels 16k, 32k, 64k; strides 1, 2, 2) → BN-ReLU →
 * global average pool → dense. Block: BN-ReLU-conv3×3-BN-ReLU-conv3×3 plus the identity, or a
 * 1×1 projection of the BN-ReLU'd input where the width changes. Each ReLU follows a noise
 * site, so WRN-16 has 6·2 + 1 = 13.
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore, bnNoiseRelu, conv } from './layers';
import type { BatchNormParams } from './layers';
import type { BuildOptions, ForwardOptions, ImageModel } from './types';

interface Block {
  readonly bn1: BatchNormParams;
  readonly conv1: tf.Variable;
  readonly bn2: BatchNormParams;
  readonly conv2: tf.Variable;
  readonly shortcut: tf.Variable | null;
  readonly stride: number;
}

export function wrnBlocksPerGroup(depth: number): number {
  if ((depth - 4) % 6 !== 0 || depth < 10) throw new RangeError(`WRN depth must be 6n + 4 (10, 16, 22, 28, ...), got ${depth}`);
  return (depth - 4) / 6;
}

/** Parameter count without building anything (WRN-16-10 on CIFAR-10: 17.1 M). */
export function wrnParameterCount(depth: number, widen: number, inChannels: number, classes: number): number {
  const n = wrnBlocksPerGroup(depth);
  const widths = [16, 16 * widen, 32 * widen, 64 * widen];
  let total = 9 * inChannels * 16;
  let cin = 16;
  for (let g = 1; g <= 3; g++) {
    const cout = widths[g] ?? 0;
    for (let b = 0; b < n; b++) {
      total += 2 * cin + 9 * cin * cout + 2 * cout + 9 * cout * cout;
      if (cin !== cout) total += cin * cout;
      cin = cout;
    }
  }
  return total + 2 * cin + cin * classes + classes;
}

export function buildWrn(depth: number, widen: number, options: BuildOptions): ImageModel {
  const n = wrnBlocksPerGroup(depth);
  const [, , cin0] = options.inputShape;
  const store = new ParamStore(options.rng);
  const widths = [16, 16 * widen, 32 * widen, 64 * widen];
  const stem = store.conv('conv1', 3, cin0, 16);
  const blocks: Block[] = [];
  let cin = 16;
  for (let g = 1; g <= 3; g++) {
    const cout = widths[g] ?? 0;
    for (let b = 0; b < n; b++) {
      const name = `group${g}.block${b}`;
      blocks.push({
        bn1: store.bn(`${name}.bn1`, cin),
        conv1: store.conv(`${name}.conv1`, 3, cin, cout),
        bn2: store.bn(`${name}.bn2`, cout),
        conv2: store.conv(`${name}.conv2`, 3, cout, cout),
        shortcut: cin === cout ? null : store.conv(`${name}.shortcut`, 1, cin, cout),
        stride: b === 0 && g > 1 ? 2 : 1,
      });
      cin = cout;
    }
  }
  const bnFinal = store.bn('bn_final', cin);
  const fc = store.dense('fc', cin, options.classes);

  function apply(x: tf.Tensor4D, fo: ForwardOptions): tf.Tensor2D {
    let h = conv(x, stem, 1);
    for (const blk of blocks) {
      const a = bnNoiseRelu(h, blk.bn1, fo);
      // Identity blocks add the raw input; projection blocks project the BN-ReLU'd input.
      const skip = blk.shortcut ? conv(a, blk.shortcut, blk.stride) : h;
      const o = conv(bnNoiseRelu(conv(a, blk.conv1, blk.stride), blk.bn2, fo), blk.conv2, 1);
      h = skip.add(o);
    }
    const pooled = tf.mean(bnNoiseRelu(h, bnFinal, fo), [1, 2]) as tf.Tensor2D;
    return pooled.matMul(fc.w as tf.Tensor2D).add(fc.b) as tf.Tensor2D;
  }

  return finishModel({ arch: 'wrn', depth, widen }, store, 6 * n + 1, apply);
}

export function finishModel(
  config: ImageModel['config'],
  store: ParamStore,
  noiseSites: number,
  apply: ImageModel['apply'],
): ImageModel {
  return {
    config,
    params: store.params,
    state: store.state,
    noiseSites,
    apply,
    parameterCount() {
      let s = 0;
      for (const v of store.params.values()) s += v.size;
      return s;
    },
    dispose() {
      for (const v of store.params.values()) v.dispose();
      for (const v of store.state.values()) v.dispose();
    },
  };
}
