import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { registerTrainingKernels, trainingKernelNames, useTrainingKernels } from './registerTrainingKernels';

describe('registerTrainingKernels', () => {
  it('is idempotent and leaves other backends alone', async () => {
    await initBackend({ force: 'wasm' });
    const before = trainingKernelNames('wasm').map((n) => tf.getKernel(n, 'wasm'));
    registerTrainingKernels('wasm');
    registerTrainingKernels('wasm');
    expect(trainingKernelNames('wasm').map((n) => tf.getKernel(n, 'wasm'))).toEqual(before);
    expect(trainingKernelNames('cpu')).toEqual([]);
    const cpuFilter = tf.getKernel('Conv2DBackpropFilter', 'cpu');
    registerTrainingKernels('cpu');
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBe(cpuFilter);
  });

  it('can put the original kernels back (for benchmarks) and re-register ours', async () => {
    await initBackend({ force: 'wasm' });
    const ours = tf.getKernel('BatchMatMul', 'wasm');
    useTrainingKernels('wasm', []);
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(ours);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    registerTrainingKernels('wasm');
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(ours);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('lets a conv net with batch norm train on wasm without leaking tensors', async () => {
    await initBackend({ force: 'wasm' });
    const w1 = tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.3, 'float32', 1));
    const w2 = tf.variable(tf.randomNormal([3, 3, 4, 4], 0, 0.3, 'float32', 2));
    const x = tf.randomNormal([4, 9, 9, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const h = tf.relu(tf.conv2d(x, w1 as tf.Tensor4D, 2, 'same'));
          return tf.mean(tf.square(tf.conv2d(h, w2 as tf.Tensor4D, 1, 'same')));
        });
        losses.push(value.dataSync()[0]!);
        w1.assign(tf.sub(w1, tf.mul(grads[w1.name]!, 0.1)));
        w2.assign(tf.sub(w2, tf.mul(grads[w2.name]!, 0.1)));
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[4]!).toBeLessThan(losses[0]!);
    tf.dispose([w1, w2, x]);
  });
});
