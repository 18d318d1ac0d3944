/**
 * The residual block of Ho et al. 2020 (diffusers' `ResnetBlock2D`):
 * GroupNorm → act → [resample] → conv3×3 → (+ time projection | ·(1+scale)+shift around GroupNorm)
 * → act → dropout → conv3×3, plus the (1×1-projected, resampled) input, divided by `outputScaleFactor`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dropout, type ForwardContext, normalize } from './forward-context.js';
import { type ActivationName, activation, averagePool2x, conv2d, linear, upsampleNearest2x } from './layers.js';
import { convParameters, groupNormParameters, linearParameters, type ParameterSpec } from './parameter-spec.js';

/** The shape and options of one ResNet block. */
export interface ResnetBlockOptions {
  inChannels: number;
  outChannels: number;
  /** Width of the time embedding. */
  timeEmbeddingChannels: number;
  groups: number;
  epsilon: number;
  activation: ActivationName;
  /** `default`: add the projected embedding before norm2; `scale_shift`: h·(1+scale)+shift after it. */
  timeScaleShift: 'default' | 'scale_shift';
  dropout: number;
  outputScaleFactor: number;
  /** Nearest ×2 upsampling (`up=True`) or 2×2 average pooling (`down=True`) after the first activation. */
  resample?: 'up' | 'down';
}

/**
 * Parameters of a ResNet block at `prefix`, in diffusers' registration order.
 *
 * @example
 * const names = resnetBlockParameters('mid_block.resnets.0', options).map((spec) => spec.name);
 */
export function resnetBlockParameters(prefix: string, options: ResnetBlockOptions): ParameterSpec[] {
  const { inChannels, outChannels, groups } = options;
  const timeWidth = options.timeScaleShift === 'scale_shift' ? 2 * outChannels : outChannels;
  return [
    ...groupNormParameters(`${prefix}.norm1`, { channels: inChannels, groups }),
    ...convParameters(`${prefix}.conv1`, { inChannels, outChannels, kernelSize: 3 }),
    ...linearParameters(`${prefix}.time_emb_proj`, {
      inFeatures: options.timeEmbeddingChannels,
      outFeatures: timeWidth,
    }),
    ...groupNormParameters(`${prefix}.norm2`, { channels: outChannels, groups }),
    ...convParameters(`${prefix}.conv2`, { inChannels: outChannels, outChannels, kernelSize: 3 }),
    ...(inChannels === outChannels
      ? []
      : convParameters(`${prefix}.conv_shortcut`, { inChannels, outChannels, kernelSize: 1 })),
  ];
}

const SAME_3X3 = [1, 1, 1, 1] as const;

/**
 * Applies a ResNet block to `x` (NHWC) with the time embedding `temb` `[batch, timeEmbeddingChannels]`.
 *
 * @example
 * const y = resnetBlock(context, { prefix: 'down_blocks.0.resnets.0', options, x, temb });
 */
export function resnetBlock(
  context: ForwardContext,
  input: { prefix: string; options: ResnetBlockOptions; x: tf.Tensor4D; temb: tf.Tensor2D },
): tf.Tensor4D {
  const { prefix, options, temb } = input;
  const { weights } = context;
  return tf.tidy(() => {
    const norm = { groups: options.groups, epsilon: options.epsilon };
    let shortcut = input.x;
    let h = activation(options.activation, normalize(context, { prefix: `${prefix}.norm1`, x: shortcut, ...norm }));
    if (options.resample !== undefined) {
      const resample = options.resample === 'up' ? upsampleNearest2x : averagePool2x;
      shortcut = resample(shortcut);
      h = resample(h);
    }
    h = conv2d({ x: h, weights, prefix: `${prefix}.conv1`, padding: SAME_3X3 });
    const projected = linear({
      x: activation(options.activation, temb),
      weights,
      prefix: `${prefix}.time_emb_proj`,
    });
    const [batch, projectedWidth] = projected.shape;
    const timeTerm = tf.reshape(projected, [batch, 1, 1, projectedWidth]);
    if (options.timeScaleShift === 'scale_shift') {
      const [scale, shift] = tf.split(timeTerm, 2, 3);
      h = normalize(context, { prefix: `${prefix}.norm2`, x: h, ...norm });
      h = tf.add(tf.mul(h, tf.add(scale!, 1)), shift!);
    } else {
      h = normalize(context, { prefix: `${prefix}.norm2`, x: tf.add(h, timeTerm), ...norm });
    }
    h = activation(options.activation, h);
    h = dropout(context, { x: h, rate: options.dropout, site: prefix });
    h = conv2d({ x: h, weights, prefix: `${prefix}.conv2`, padding: SAME_3X3 });
    if (options.inChannels !== options.outChannels) {
      shortcut = conv2d({ x: shortcut, weights, prefix: `${prefix}.conv_shortcut`, padding: [0, 0, 0, 0] });
    }
    const sum = tf.add(shortcut, h);
    return (options.outputScaleFactor === 1 ? sum : tf.div(sum, options.outputScaleFactor)) as tf.Tensor4D;
  });
}
