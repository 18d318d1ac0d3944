import { expectNoTensorLeak } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, startCpuAndWasm, valuesOn } from './testing/compare-backends.js';
import { type ConvCase, convCases, convGradient, unetLayers } from './testing/conv-cases.js';

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(startCpuAndWasm);

  it('equals the cpu backend on random shapes, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(convCases, fc.nat(1000), async (testCase, seed) => {
        const [expected] = await valuesOn('cpu', () => convGradient(testCase, seed, 'filter'));
        const [actual] = await valuesOn('wasm', () => convGradient(testCase, seed, 'filter'));
        expect(maxRelativeError(actual!, expected!)).toBeLessThan(1e-4);
      }),
      { numRuns: 60, seed: 20261130 },
    );
  });

  it.each(unetLayers)('equals the cpu backend for a U-Net layer: %s', async (_label, testCase) => {
    const [expected] = await valuesOn('cpu', () => convGradient(testCase, 7, 'filter'));
    const [actual] = await valuesOn('wasm', () => convGradient(testCase, 7, 'filter'));
    expect(maxRelativeError(actual!, expected!)).toBeLessThan(1e-4);
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const testCase: ConvCase = { ...unetLayers[1]![1], batch: 1, height: 5 };
    convGradient(testCase, 1, 'filter').dispose();
    await expectNoTensorLeak(() => convGradient(testCase, 1, 'filter').dispose());
  });
});
