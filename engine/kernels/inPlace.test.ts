import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { readableData, writableData } from './inPlace';

describe.each(['wasm', 'cpu'] as const)('in-place tensor storage on %s', (backend) => {
  it('writes through to the tensor, and refuses storage another tensor shares', async () => {
    await initBackend({ force: backend });
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
    const w = writableData(v);
    expect(w).not.toBeNull();
    w![1] = 20;
    expect(Array.from(v.dataSync())).toEqual([1, 20, 3]);

    const alias = tf.reshape(v, [3, 1]); // shares v's storage
    expect(writableData(v)).toBeNull();
    expect(Array.from(readableData(v) ?? [])).toEqual([1, 20, 3]);
    alias.dispose();
    expect(writableData(v)).not.toBeNull();

    expect(writableData(tf.tensor1d([1], 'int32'))).toBeNull();
    v.dispose();
    expect(readableData(v)).toBeNull();
  });
});
