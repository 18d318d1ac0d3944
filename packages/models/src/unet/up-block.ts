/**
 * The decoder levels of the U-Net (diffusers' `UpBlock2D`, `AttnUpBlock2D` and `ResnetUpsampleBlock2D`): each ResNet takes the
 * running features concatenated (channels last) with one skip connection, is followed by attention in
 * the attention variant, and an upsampler ends every level but the last.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type AttentionBlockOptions, attentionBlock, attentionBlockParameters } from './attention-block.js';
import type { ForwardContext } from './forward-context.js';
import type { ParameterSpec } from './parameter-spec.js';
import { resampleConvParameters, upsampleConv } from './resample.js';
import { type ResnetBlockOptions, resnetBlock, resnetBlockParameters } from './resnet-block.js';

/** The upsampler of a level: nearest ×2 and a conv, a ResNet with nearest ×2, or none. */
export type Upsampler = { kind: 'conv'; channels: number } | { kind: 'resnet'; resnet: ResnetBlockOptions } | null;

/** The shape of one up block. */
export interface UpBlockOptions {
  /** Position in `up_blocks`. */
  index: number;
  /** One entry per layer (`layersPerBlock + 1`). */
  resnets: ResnetBlockOptions[];
  /** The attention after each ResNet (`AttnUpBlock2D`), or null (`UpBlock2D`). */
  attention: AttentionBlockOptions | null;
  upsampler: Upsampler;
}

/**
 * Parameters of an up block (attentions, resnets, upsamplers: diffusers' registration order).
 *
 * @example
 * const names = upBlockParameters(plan.upBlocks[0]!).map((spec) => spec.name);
 */
export function upBlockParameters(options: UpBlockOptions): ParameterSpec[] {
  const prefix = `up_blocks.${options.index}`;
  const { attention, upsampler } = options;
  return [
    ...(attention === null
      ? []
      : options.resnets.flatMap((_, i) => attentionBlockParameters(`${prefix}.attentions.${i}`, attention))),
    ...options.resnets.flatMap((resnet, i) => resnetBlockParameters(`${prefix}.resnets.${i}`, resnet)),
    ...(upsampler === null
      ? []
      : upsampler.kind === 'conv'
        ? resampleConvParameters(`${prefix}.upsamplers.0.conv`, upsampler)
        : resnetBlockParameters(`${prefix}.upsamplers.0`, upsampler.resnet)),
  ];
}

/**
 * Applies an up block. `skips` holds this block's skip connections in encoder order: the last one is
 * consumed first (diffusers pops `res_hidden_states_tuple[-1]`).
 *
 * @example
 * const h = upBlock(context, { options, x, skips: encoderStates.splice(-options.resnets.length), temb });
 */
export function upBlock(
  context: ForwardContext,
  input: { options: UpBlockOptions; x: tf.Tensor4D; skips: readonly tf.Tensor4D[]; temb: tf.Tensor2D },
): tf.Tensor4D {
  const { options, skips, temb } = input;
  const prefix = `up_blocks.${options.index}`;
  return tf.tidy(() => {
    let h = input.x;
    options.resnets.forEach((resnet, i) => {
      const skip = skips[skips.length - 1 - i]!;
      h = tf.concat([h, skip], 3);
      h = resnetBlock(context, { prefix: `${prefix}.resnets.${i}`, options: resnet, x: h, temb });
      if (options.attention !== null) {
        h = attentionBlock(context, { prefix: `${prefix}.attentions.${i}`, options: options.attention, x: h });
      }
    });
    const { upsampler } = options;
    if (upsampler === null) return h;
    const upsamplerPrefix = `${prefix}.upsamplers.0`;
    return upsampler.kind === 'conv'
      ? upsampleConv(context, { prefix: `${upsamplerPrefix}.conv`, x: h })
      : resnetBlock(context, { prefix: upsamplerPrefix, options: upsampler.resnet, x: h, temb });
  });
}
