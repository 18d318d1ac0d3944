/**
 * Random convolution layers for property tests of the conv gradient kernels, and the gradients
 * computed through tfjs-core's `Conv2D` gradient (which calls the backend's backprop kernels).
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { normalTensor } from './compare-backends.js';

/** tfjs `conv2d` padding: named, or explicit NHWC [[0,0],[top,bottom],[left,right],[0,0]]. */
export type Padding = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

/** One convolution layer applied to one batch. */
export interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: [number, number];
  pad: Padding;
}

/** dL/dx or dL/dw of L = Σ conv2d(x, w) · dy, with x, w, dy drawn from `seed`. */
export function convGradient(testCase: ConvCase, seed: number, withRespectTo: 'x' | 'filter'): tf.Tensor {
  return tf.tidy(() => {
    const { batch, height, width, inChannels, outChannels, kernel, stride, pad } = testCase;
    const x = normalTensor([batch, height, width, inChannels], seed, 'x') as tf.Tensor4D;
    const w = normalTensor([kernel[0], kernel[1], inChannels, outChannels], seed, 'w') as tf.Tensor4D;
    const dy = normalTensor(tf.conv2d(x, w, stride, pad).shape, seed, 'dy');
    if (withRespectTo === 'filter') {
      return tf.grad((filter: tf.Tensor) =>
        tf
          .conv2d(x, filter as tf.Tensor4D, stride, pad)
          .mul(dy)
          .sum(),
      )(w);
    }
    return tf.grad((input: tf.Tensor) =>
      tf
        .conv2d(input as tf.Tensor4D, w, stride, pad)
        .mul(dy)
        .sum(),
    )(x);
  });
}

function outputSize(size: number, kernel: number, stride: number, before: number, after: number): number {
  return Math.floor((size + before + after - kernel) / stride) + 1;
}

/** Layers with 1–3 images of 1–9 pixels a side, kernels up to 3×3, strides 1–2, any padding. */
export const convCases: fc.Arbitrary<ConvCase> = fc
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

/** The conv layers of a diffusers U-Net, at test size. */
export const unetLayers: readonly [string, ConvCase][] = [
  ['3×3 stride 1 same (ResnetBlock2D)', layer([3, 3], [1, 1], 'same')],
  [
    '3×3 stride 2 pad 1 (Downsample2D)',
    layer(
      [3, 3],
      [2, 2],
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
    ),
  ],
  ['1×1 stride 1 valid (shortcut)', layer([1, 1], [1, 1], 'valid')],
];

function layer(kernel: [number, number], stride: [number, number], pad: Padding): ConvCase {
  return { batch: 2, height: 16, width: 16, inChannels: 32, outChannels: 16, kernel, stride, pad };
}
