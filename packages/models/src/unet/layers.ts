/**
 * The plain layers of the U-Net, as functions of NHWC tensors and named weights: PyTorch-padded
 * convolutions, linear maps, activations, nearest ×2 upsampling and 2×2 average pooling. Every op here
 * has a gradient on every backend (no pooling or resize kernels: reshapes, concatenations and means).
 */
import { StateError } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';

/** Named weights in tfjs layouts (conv HWIO, linear [in, out]), looked up by diffusers parameter name. */
export type Weights = ReadonlyMap<string, tf.Tensor>;

/**
 * The weight called `name`; a `StateError` if it is absent (a bug: the specs and the forward disagree).
 *
 * @example
 * const kernel = weight(weights, 'conv_in.weight'); // [3, 3, inChannels, blockOutChannels[0]]
 */
export function weight(weights: Weights, name: string): tf.Tensor {
  const found = weights.get(name);
  if (found === undefined) {
    throw new StateError({ argument: 'weights', expected: `a parameter named "${name}"`, received: 'none' });
  }
  return found;
}

/** Activation names of diffusers' `get_activation`. */
export const ACTIVATION_NAMES = ['silu', 'swish', 'mish', 'gelu', 'relu'] as const;
/** One of {@link ACTIVATION_NAMES}. */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/**
 * Applies the activation `name` (diffusers' `get_activation`; `gelu` is the exact erf form).
 *
 * @example
 * const y = activation('silu', x);
 */
export function activation<T extends tf.Tensor>(name: ActivationName, x: T): T {
  return tf.tidy(() => {
    switch (name) {
      case 'silu':
      case 'swish':
        return tf.mul(x, tf.sigmoid(x));
      case 'mish':
        return tf.mul(x, tf.tanh(tf.softplus(x)));
      case 'gelu':
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
      case 'relu':
        return tf.relu(x);
    }
  }) as T;
}

/** PyTorch-style padding of a conv: `[top, bottom, left, right]`. */
export type ConvPadding = readonly [number, number, number, number];

/**
 * `nn.Conv2d` on NHWC: weight `${prefix}.weight` (HWIO) and optional `${prefix}.bias`, explicit
 * PyTorch padding (symmetric `p` is `[p, p, p, p]`), output size `floor((in + pads - k) / stride) + 1`.
 *
 * @example
 * const y = conv2d({ x, weights, prefix: 'conv_in', padding: [1, 1, 1, 1] });
 */
export function conv2d(options: {
  x: tf.Tensor4D;
  weights: Weights;
  prefix: string;
  stride?: number;
  padding: ConvPadding;
}): tf.Tensor4D {
  const { x, weights, prefix, stride = 1, padding } = options;
  return tf.tidy(() => {
    const [top, bottom, left, right] = padding;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    const kernel = weight(weights, `${prefix}.weight`) as tf.Tensor4D;
    const y = tf.conv2d(x, kernel, stride, pad);
    const bias = weights.get(`${prefix}.bias`);
    return bias === undefined ? y : tf.add(y, bias);
  });
}

/**
 * `nn.Linear` on the last axis: `x @ W + b` with W stored [in, out]. Any rank; computed as one 2-D matMul.
 *
 * @example
 * const q = linear({ x: tokens, weights, prefix: 'mid_block.attentions.0.to_q' });
 */
export function linear<T extends tf.Tensor>(options: { x: T; weights: Weights; prefix: string }): T {
  const { x, weights, prefix } = options;
  return tf.tidy(() => {
    const kernel = weight(weights, `${prefix}.weight`) as tf.Tensor2D;
    const inFeatures = x.shape[x.shape.length - 1]!;
    const flat = x.rank === 2 ? (x as unknown as tf.Tensor2D) : tf.reshape(x, [-1, inFeatures]);
    let y: tf.Tensor = tf.matMul(flat, kernel);
    const bias = weights.get(`${prefix}.bias`);
    if (bias !== undefined) y = tf.add(y, bias);
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), kernel.shape[1]]);
  }) as T;
}

/**
 * Nearest-neighbour ×2 upsampling (PyTorch `F.interpolate(scale_factor=2, mode="nearest")`): every pixel
 * becomes a 2×2 block. Built from concatenations, so its gradient exists on every backend.
 *
 * @example
 * const y = upsampleNearest2x(x); // [n, 2h, 2w, c]
 */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = x.shape;
    const columns = tf.reshape(x, [batch, height, width, 1, channels]);
    const wide = tf.reshape(tf.concat([columns, columns], 3), [batch, height, 1, width * 2, channels]);
    return tf.reshape(tf.concat([wide, wide], 2), [batch, height * 2, width * 2, channels]);
  });
}

/**
 * 2×2 average pooling with stride 2 (`nn.AvgPool2d(2, 2)`: an odd last row or column is dropped),
 * as a reshape and a mean so that it is differentiable on every backend.
 *
 * @example
 * const y = averagePool2x(x); // [n, floor(h/2), floor(w/2), c]
 */
export function averagePool2x(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = x.shape;
    const outHeight = Math.floor(height / 2);
    const outWidth = Math.floor(width / 2);
    const even =
      height % 2 === 0 && width % 2 === 0
        ? x
        : tf.slice(x, [0, 0, 0, 0], [batch, outHeight * 2, outWidth * 2, channels]);
    const blocks = tf.reshape(even, [batch, outHeight, 2, outWidth, 2, channels]);
    return tf.mean(blocks, [2, 4]) as tf.Tensor4D;
  });
}
