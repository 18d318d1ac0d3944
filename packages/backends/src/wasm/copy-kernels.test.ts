import { expectNoTensorLeak } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalTensor, startCpuAndWasm, valuesOn } from './testing/compare-backends.js';

const splitCases = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axis: fc.integer({ min: 0, max: shape.length - 1 }),
      pieces: fc.integer({ min: 1, max: 3 }),
      wide: fc.boolean(),
    }),
  )
  .map(({ shape, axis, pieces, wide }) => {
    // `wide` multiplies the last axis so that rows are long enough for block copies.
    const fullShape = shape.map((d, i) => (wide && i === shape.length - 1 ? d * 16 : d));
    const along = fullShape[axis] as number;
    const count = Math.min(pieces, along);
    const size = Math.floor(along / count);
    const sizes = Array.from({ length: count }, (_, i) => (i === count - 1 ? along - size * (count - 1) : size));
    return { shape: fullShape, axis, sizes };
  });

describe('SplitV and Identity on wasm', () => {
  beforeAll(startCpuAndWasm);

  it('splits like the cpu backend, along any axis, float32 and int32', async () => {
    await fc.assert(
      fc.asyncProperty(splitCases, fc.nat(1000), async ({ shape, axis, sizes }, seed) => {
        const pieces = () =>
          tf.tidy(() => {
            const x = normalTensor(shape, seed);
            return [...tf.split(x, sizes, axis), ...tf.split(x.mul(100).toInt(), sizes, axis)];
          });
        const expected = await valuesOn('cpu', pieces);
        const actual = await valuesOn('wasm', pieces);
        expect(actual.map((values) => [...values])).toEqual(expected.map((values) => [...values]));
      }),
      { numRuns: 60, seed: 20261130 },
    );
  });

  it('gives the concat gradient (a U-Net skip connection) like the cpu backend', async () => {
    const gradients = () =>
      tf.tidy(() => {
        const skip = normalTensor([2, 4, 4, 6], 1, 'skip');
        const hidden = normalTensor([2, 4, 4, 10], 1, 'hidden');
        const dy = normalTensor([2, 4, 4, 16], 1, 'dy');
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.concat([a, b], 3).mul(dy).sum())([hidden, skip]);
      });
    const expected = await valuesOn('cpu', gradients);
    const actual = await valuesOn('wasm', gradients);
    expect(actual.map((values) => [...values])).toEqual(expected.map((values) => [...values]));
  });

  it('clones without copying, and the clone outlives its source', async () => {
    await tf.setBackend('wasm');
    await expectNoTensorLeak(async () => {
      const source = tf.tensor([1, 2, 3]);
      const copy = tf.clone(source);
      source.dispose();
      expect([...(await copy.data())]).toEqual([1, 2, 3]);
      copy.dispose();
    });
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([2, 3, 8]);
    await expectNoTensorLeak(() => tf.dispose(tf.split(x, [3, 5], 2)));
    x.dispose();
  });
});
