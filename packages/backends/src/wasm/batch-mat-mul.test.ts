import { expectNoTensorLeak } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, normalTensor, startCpuAndWasm, valuesOn } from './testing/compare-backends.js';

interface ProductCase {
  batchA: number[];
  batchB: number[];
  rows: number;
  inner: number;
  columns: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * a·b and both gradients of Σ (a·b)·dy, with the operands drawn from `seed`. tfjs-core's matMul gradient
 * does not reduce broadcast batch axes (on any backend), so broadcast cases check the product only.
 */
function productAndGradients(testCase: ProductCase, seed: number): tf.Tensor[] {
  return tf.tidy(() => {
    const { batchA, batchB, rows, inner, columns, transposeA, transposeB } = testCase;
    const a = normalTensor([...batchA, ...(transposeA ? [inner, rows] : [rows, inner])], seed, 'a');
    const b = normalTensor([...batchB, ...(transposeB ? [columns, inner] : [inner, columns])], seed, 'b');
    const product = tf.matMul(a, b, transposeA, transposeB);
    if (batchA.join() !== batchB.join()) return [product];
    const dy = normalTensor(product.shape, seed, 'dy');
    const gradients = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB).mul(dy).sum())([
      a,
      b,
    ]);
    return [product, ...gradients];
  });
}

const batchShapes = fc.constantFrom<[number[], number[]]>(
  [[], []],
  [[3], [3]],
  [[3], []],
  [[], [4]],
  [[1], [4]],
  [
    [2, 3],
    [2, 3],
  ],
  [
    [2, 3],
    [1, 1],
  ],
);

const productCases: fc.Arbitrary<ProductCase> = fc
  .record({
    batches: batchShapes,
    rows: fc.integer({ min: 1, max: 9 }),
    inner: fc.integer({ min: 1, max: 9 }),
    columns: fc.integer({ min: 1, max: 9 }),
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
  })
  .map(({ batches: [batchA, batchB], ...rest }) => ({ batchA, batchB, ...rest }));

describe('BatchMatMul on wasm', () => {
  beforeAll(startCpuAndWasm);

  it('equals the cpu backend, with its gradients, for any batch, broadcast and transposition', async () => {
    await fc.assert(
      fc.asyncProperty(productCases, fc.nat(1000), async (testCase, seed) => {
        const expected = await valuesOn('cpu', () => productAndGradients(testCase, seed));
        const actual = await valuesOn('wasm', () => productAndGradients(testCase, seed));
        expect(actual).toHaveLength(testCase.batchA.join() === testCase.batchB.join() ? 3 : 1);
        actual.forEach((values, i) => {
          expect(maxRelativeError(values, expected[i]!)).toBeLessThan(1e-4);
        });
      }),
      { numRuns: 80, seed: 20261130 },
    );
  });

  it('equals the cpu backend for attention-sized heads (Q·Kᵀ, 8 heads of 49 tokens)', async () => {
    const testCase: ProductCase = {
      batchA: [8],
      batchB: [8],
      rows: 49,
      inner: 32,
      columns: 49,
      transposeA: false,
      transposeB: true,
    };
    const expected = await valuesOn('cpu', () => productAndGradients(testCase, 3));
    const actual = await valuesOn('wasm', () => productAndGradients(testCase, 3));
    actual.forEach((values, i) => {
      expect(maxRelativeError(values, expected[i]!)).toBeLessThan(1e-4);
    });
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const testCase: ProductCase = {
      batchA: [3],
      batchB: [3],
      rows: 4,
      inner: 5,
      columns: 6,
      transposeA: true,
      transposeB: true,
    };
    tf.dispose(productAndGradients(testCase, 1));
    await expectNoTensorLeak(() => tf.dispose(productAndGradients(testCase, 1)));
  });
});
