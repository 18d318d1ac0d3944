/**
 * The bottleneck of the U-Net (diffusers' `UNetMidBlock2D`): ResNet → [attention → ResNet].
 */
import * as tf from '@tensorflow/tfjs-core';
import { type AttentionBlockOptions, attentionBlock, attentionBlockParameters } from './attention-block.js';
import type { ForwardContext } from './forward-context.js';
import type { ParameterSpec } from './parameter-spec.js';
import { type ResnetBlockOptions, resnetBlock, resnetBlockParameters } from './resnet-block.js';

/** The shape of the mid block. */
export interface MidBlockOptions {
  /** Options of its two ResNets (in = out channels). */
  resnet: ResnetBlockOptions;
  /** Options of its attention; null when `addAttention` is false. */
  attention: AttentionBlockOptions | null;
}

const PREFIX = 'mid_block';

/**
 * Parameters of the mid block (attentions before resnets: diffusers' registration order).
 *
 * @example
 * const count = countParametersOf(midBlockParameters(plan.midBlock!));
 */
export function midBlockParameters(options: MidBlockOptions): ParameterSpec[] {
  return [
    ...(options.attention === null ? [] : attentionBlockParameters(`${PREFIX}.attentions.0`, options.attention)),
    ...resnetBlockParameters(`${PREFIX}.resnets.0`, options.resnet),
    ...resnetBlockParameters(`${PREFIX}.resnets.1`, options.resnet),
  ];
}

/**
 * Applies the mid block.
 *
 * @example
 * const y = midBlock(context, { options, x, temb });
 */
export function midBlock(
  context: ForwardContext,
  input: { options: MidBlockOptions; x: tf.Tensor4D; temb: tf.Tensor2D },
): tf.Tensor4D {
  const { options, temb } = input;
  return tf.tidy(() => {
    let h = resnetBlock(context, { prefix: `${PREFIX}.resnets.0`, options: options.resnet, x: input.x, temb });
    if (options.attention !== null) {
      h = attentionBlock(context, { prefix: `${PREFIX}.attentions.0`, options: options.attention, x: h });
    }
    return resnetBlock(context, { prefix: `${PREFIX}.resnets.1`, options: options.resnet, x: h, temb });
  });
}
