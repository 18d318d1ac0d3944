// Imported first, as a user's first @diffuse import would be: @diffuse/core then loads tfjs-core.
import { describeBackends } from '@diffuse/backends/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectNoTensorLeak } from './index.js';

describeBackends('tfjs registrations', () => {
  it('gives tensors working methods: clone, cast, buffer, chained ops and gradients', async () => {
    await expectNoTensorLeak(async () => {
      const x = tf.tensor1d([1, 2], 'int32');
      const copy = x.clone();
      const floats = x.cast('float32');
      const doubled = floats.mul(2);
      expect(Array.from(await copy.data())).toEqual([1, 2]);
      expect(Array.from(await doubled.data())).toEqual([2, 4]);
      expect((await floats.buffer()).get(1)).toBe(2);
      const gradient = tf.grad((v: tf.Tensor) => v.square().sum())(floats);
      expect(Array.from(await gradient.data())).toEqual([2, 4]);
      tf.dispose([x, copy, floats, doubled, gradient]);
    });
  });
});
