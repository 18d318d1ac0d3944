/**
 * What every block's forward function receives: the weights, the swappable kernels, and whether (and
 * with which noise) dropout is active.
 */
import type { NoiseGenerator } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { type AttentionKernel, scaledDotProductAttention } from './attention.js';
import { type GroupNormKernel, groupNorm } from './group-norm.js';
import { type Weights, weight } from './layers.js';

/** The swappable kernels of the U-Net (fused GroupNorm or attention for a backend). */
export interface UNetKernels {
  groupNorm: GroupNormKernel;
  attention: AttentionKernel;
}

/** The default kernels: composed tfjs ops. */
export const DEFAULT_UNET_KERNELS: Readonly<UNetKernels> = Object.freeze({
  groupNorm,
  attention: scaledDotProductAttention,
});

/** Dropout noise of one forward pass: a counter-based generator and the step it draws at. */
export interface DropoutNoise {
  generator: NoiseGenerator;
  step: number;
}

/** The context of one forward pass. */
export interface ForwardContext {
  weights: Weights;
  kernels: UNetKernels;
  /** Present only in training passes with dropout: where the masks come from. */
  dropoutNoise?: DropoutNoise;
}

/**
 * GroupNorm with the weights at `${prefix}.weight` / `${prefix}.bias`.
 *
 * @example
 * const h = normalize(context, { prefix: 'conv_norm_out', x, groups: 32, epsilon: 1e-5 });
 */
export function normalize(
  context: ForwardContext,
  options: { prefix: string; x: tf.Tensor4D; groups: number; epsilon: number },
): tf.Tensor4D {
  const { prefix, x, groups, epsilon } = options;
  return context.kernels.groupNorm({
    x,
    gamma: weight(context.weights, `${prefix}.weight`),
    beta: weight(context.weights, `${prefix}.bias`),
    groups,
    epsilon,
  });
}

/**
 * Inverted dropout (`nn.Dropout`): zeroes each element with probability `rate` and scales the rest by
 * 1/(1 − rate), in training passes only. The mask is drawn from the context's counter-based generator in
 * stream `dropout:<site>`, so it depends on (seed, step, site, sample index) only.
 *
 * @example
 * const h = dropout(context, { x, rate: 0.1, site: 'down_blocks.0.resnets.0' });
 */
export function dropout(context: ForwardContext, options: { x: tf.Tensor4D; rate: number; site: string }): tf.Tensor4D {
  const { x, rate, site } = options;
  const noise = context.dropoutNoise;
  if (noise === undefined || rate === 0) return x;
  return tf.tidy(() => {
    const uniform = noise.generator.uniform({ shape: x.shape, step: noise.step, stream: `dropout:${site}` });
    const keep = tf.div(tf.cast(tf.greaterEqual(uniform, rate), 'float32'), 1 - rate);
    return tf.mul(x, keep) as tf.Tensor4D;
  });
}
