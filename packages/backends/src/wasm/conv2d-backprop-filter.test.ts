import { expectNoTensorLeak } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, normalTensor, startCpuAndWasm, valuesOn } from './testing/compare-backends.js';

type Padding = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: [number, number];
  pad: Padding;
}

/** dL/dw for L = Σ conv2d(x, w) · dy, through tfjs-core's gradient (which calls Conv2DBackpropFilter). */
function filterGradient(testCase: ConvCase, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const { batch, height, width, inChannels, outChannels, kernel, stride, pad } = testCase;
    const x = normalTensor([batch, height, width, inChannels], seed, 'x') as tf.Tensor4D;
    const w = normalTensor([kernel[0], kernel[1], inChannels, outChannels], seed, 'w') as tf.Tensor4D;
    const outShape = tf.conv2d(x, w, stride, pad).shape;
    const dy = normalTensor(outShape, seed, 'dy');
    return tf.grad((filter: tf.Tensor) =>
      tf
        .conv2d(x, filter as tf.Tensor4D, stride, pad)
        .mul(dy)
        .sum(),
    )(w);
  });
}

function outputSize(size: number, kernel: number, stride: number, before: number, after: number): number {
  return Math.floor((size + before + after - kernel) / stride) + 1;
}

const convCase: fc.Arbitrary<ConvCase> = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 1, max: 9 }),
    width: fc.integer({ min: 1, max: 9 }),
    inChannels: fc.integer({ min: 1, max: 6 }),
    outChannels: fc.integer({ min: 1, max: 6 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    pad: fc.oneof(
      fc.constant<Padding>('same'),
      fc.constant<Padding>('valid'),
      fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)).map(
        ([top, bottom, left, right]): Padding => [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
      ),
    ),
  })
  .filter(({ height, width, kernel, stride, pad }) => {
    if (pad === 'same') return true;
    const [top, bottom, left, right] = pad === 'valid' ? [0, 0, 0, 0] : [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
    return (
      outputSize(height, kernel[0], stride[0], top, bottom) >= 1 &&
      outputSize(width, kernel[1], stride[1], left, right) >= 1
    );
  });

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(startCpuAndWasm);

  it('equals the cpu backend on random shapes, strides and paddings', async () => {
    await fc.assert(
      fc.asyncProperty(convCase, fc.nat(1000), async (testCase, seed) => {
        const [expected] = await valuesOn('cpu', () => filterGradient(testCase, seed));
        const [actual] = await valuesOn('wasm', () => filterGradient(testCase, seed));
        expect(maxRelativeError(actual!, expected!)).toBeLessThan(1e-4);
      }),
      { numRuns: 60, seed: 20261130 },
    );
  });

  it.each([
    ['3×3 stride 1 same', { kernel: [3, 3], stride: [1, 1], pad: 'same' }],
    [
      '3×3 stride 2 explicit (diffusers Downsample2D)',
      {
        kernel: [3, 3],
        stride: [2, 2],
        pad: [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
      },
    ],
    ['1×1 stride 1 valid', { kernel: [1, 1], stride: [1, 1], pad: 'valid' }],
  ] as const)('equals the cpu backend for a U-Net layer: %s', async (_label, layer) => {
    const testCase: ConvCase = {
      batch: 2,
      height: 16,
      width: 16,
      inChannels: 32,
      outChannels: 16,
      kernel: [...layer.kernel],
      stride: [...layer.stride],
      pad: layer.pad as Padding,
    };
    const [expected] = await valuesOn('cpu', () => filterGradient(testCase, 7));
    const [actual] = await valuesOn('wasm', () => filterGradient(testCase, 7));
    expect(maxRelativeError(actual!, expected!)).toBeLessThan(1e-4);
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const testCase: ConvCase = {
      batch: 2,
      height: 8,
      width: 8,
      inChannels: 4,
      outChannels: 3,
      kernel: [3, 3],
      stride: [2, 2],
      pad: 'same',
    };
    filterGradient(testCase, 1).dispose();
    await expectNoTensorLeak(() => {
      filterGradient(testCase, 1).dispose();
    });
  });
});
