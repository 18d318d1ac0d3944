/**
 * Resolution changes between U-Net levels: diffusers' `Downsample2D` with a conv (stride-2 3×3) and
 * `Upsample2D` with a conv (nearest ×2, then 3×3).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from './forward-context.js';
import { type ConvPadding, conv2d, upsampleNearest2x } from './layers.js';
import { convParameters, type ParameterSpec } from './parameter-spec.js';

/**
 * Parameters of a conv resampler (`Downsample2D`/`Upsample2D` with `use_conv`) at `prefix` (`….conv`).
 *
 * @example
 * resampleConvParameters('down_blocks.0.downsamplers.0.conv', { channels: 64 });
 */
export function resampleConvParameters(prefix: string, options: { channels: number }): ParameterSpec[] {
  return convParameters(prefix, { inChannels: options.channels, outChannels: options.channels, kernelSize: 3 });
}

/**
 * PyTorch's padding of the stride-2 downsampling conv: `padding` on every side, or, for `padding = 0`,
 * one row and one column at the bottom and right (diffusers pads `(0, 1, 0, 1)` first).
 *
 * @example
 * downsamplePadding(0); // [0, 1, 0, 1]: bottom and right only
 */
export function downsamplePadding(padding: number): ConvPadding {
  return padding === 0 ? [0, 1, 0, 1] : [padding, padding, padding, padding];
}

/**
 * Stride-2 3×3 conv downsampling (`Downsample2D(use_conv=True)`).
 *
 * @example
 * const y = downsampleConv(context, { prefix: 'down_blocks.0.downsamplers.0.conv', x, padding: 1 });
 */
export function downsampleConv(
  context: ForwardContext,
  input: { prefix: string; x: tf.Tensor4D; padding: number },
): tf.Tensor4D {
  return conv2d({
    x: input.x,
    weights: context.weights,
    prefix: input.prefix,
    stride: 2,
    padding: downsamplePadding(input.padding),
  });
}

/**
 * Nearest ×2 upsampling then a 3×3 conv (`Upsample2D(use_conv=True)`).
 *
 * @example
 * const y = upsampleConv(context, { prefix: 'up_blocks.0.upsamplers.0.conv', x });
 */
export function upsampleConv(context: ForwardContext, input: { prefix: string; x: tf.Tensor4D }): tf.Tensor4D {
  return tf.tidy(() =>
    conv2d({ x: upsampleNearest2x(input.x), weights: context.weights, prefix: input.prefix, padding: [1, 1, 1, 1] }),
  );
}
