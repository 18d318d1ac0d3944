/**
 * The encoder levels of the U-Net (diffusers' `DownBlock2D`, `AttnDownBlock2D` and `ResnetDownsampleBlock2D`): ResNets, each followed
 * by attention in the attention variant, then a downsampler (except at the last level). Every
 * intermediate output is kept for the decoder's skip connections.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type AttentionBlockOptions, attentionBlock, attentionBlockParameters } from './attention-block.js';
import type { ForwardContext } from './forward-context.js';
import type { ParameterSpec } from './parameter-spec.js';
import { downsampleConv, resampleConvParameters } from './resample.js';
import { type ResnetBlockOptions, resnetBlock, resnetBlockParameters } from './resnet-block.js';

/** The downsampler of a level: a stride-2 conv, a ResNet with average pooling, or none. */
export type Downsampler =
  | { kind: 'conv'; channels: number; padding: number }
  | { kind: 'resnet'; resnet: ResnetBlockOptions }
  | null;

/** The shape of one down block. */
export interface DownBlockOptions {
  /** Position in `down_blocks`. */
  index: number;
  /** One entry per layer. */
  resnets: ResnetBlockOptions[];
  /** The attention after each ResNet (`AttnDownBlock2D`), or null (`DownBlock2D`). */
  attention: AttentionBlockOptions | null;
  downsampler: Downsampler;
}

/**
 * Parameters of a down block (attentions, resnets, downsamplers: diffusers' registration order).
 *
 * @example
 * const names = downBlockParameters(plan.downBlocks[0]!).map((spec) => spec.name);
 */
export function downBlockParameters(options: DownBlockOptions): ParameterSpec[] {
  const prefix = `down_blocks.${options.index}`;
  const { attention, downsampler } = options;
  return [
    ...(attention === null
      ? []
      : options.resnets.flatMap((_, i) => attentionBlockParameters(`${prefix}.attentions.${i}`, attention))),
    ...options.resnets.flatMap((resnet, i) => resnetBlockParameters(`${prefix}.resnets.${i}`, resnet)),
    ...(downsampler === null
      ? []
      : downsampler.kind === 'conv'
        ? resampleConvParameters(`${prefix}.downsamplers.0.conv`, downsampler)
        : resnetBlockParameters(`${prefix}.downsamplers.0`, downsampler.resnet)),
  ];
}

/**
 * Applies a down block; returns the outputs to skip to the decoder, the last of which is the block's
 * output.
 *
 * @example
 * const states = downBlock(context, { options, x, temb }); const h = states.at(-1)!;
 */
export function downBlock(
  context: ForwardContext,
  input: { options: DownBlockOptions; x: tf.Tensor4D; temb: tf.Tensor2D },
): tf.Tensor4D[] {
  const { options, temb } = input;
  const prefix = `down_blocks.${options.index}`;
  return tf.tidy(() => {
    const states: tf.Tensor4D[] = [];
    let h = input.x;
    options.resnets.forEach((resnet, i) => {
      h = resnetBlock(context, { prefix: `${prefix}.resnets.${i}`, options: resnet, x: h, temb });
      if (options.attention !== null) {
        h = attentionBlock(context, { prefix: `${prefix}.attentions.${i}`, options: options.attention, x: h });
      }
      states.push(h);
    });
    const { downsampler } = options;
    if (downsampler !== null) {
      const downsamplerPrefix = `${prefix}.downsamplers.0`;
      h =
        downsampler.kind === 'conv'
          ? downsampleConv(context, { prefix: `${downsamplerPrefix}.conv`, x: h, padding: downsampler.padding })
          : resnetBlock(context, { prefix: downsamplerPrefix, options: downsampler.resnet, x: h, temb });
      states.push(h);
    }
    return states;
  });
}
