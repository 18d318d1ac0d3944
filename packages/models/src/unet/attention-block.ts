/**
 * The spatial self-attention block of the DDPM U-Net (diffusers' `Attention` with
 * `residual_connection=True`, as built by `_from_deprecated_attn_block`): optional GroupNorm, Q/K/V linear
 * projections of the h·w tokens, multi-head attention, output projection, residual, then division by
 * `rescaleOutputFactor`.
 */
import { ConfigError } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { type ForwardContext, normalize } from './forward-context.js';
import { linear } from './layers.js';
import { groupNormParameters, linearParameters, type ParameterSpec } from './parameter-spec.js';

/** The shape and options of one attention block. */
export interface AttentionBlockOptions {
  channels: number;
  /** Channels per head (diffusers: `attention_head_dim`, or all channels when it is null). */
  headDim: number;
  /** Groups of the input GroupNorm; null: no norm. */
  groups: number | null;
  epsilon: number;
  rescaleOutputFactor: number;
}

/**
 * Number of heads: ⌊channels / headDim⌋ (diffusers' rule); a `ConfigError` when that is 0.
 *
 * @example
 * attentionHeads({ channels: 256, headDim: 64 }); // 4
 */
export function attentionHeads(options: Pick<AttentionBlockOptions, 'channels' | 'headDim'>): number {
  const heads = Math.floor(options.channels / options.headDim);
  if (heads < 1) {
    throw new ConfigError({
      argument: 'attentionHeadDim',
      expected: `at most the ${options.channels} channels of the attention block`,
      received: options.headDim,
    });
  }
  return heads;
}

/**
 * Parameters of an attention block at `prefix`, in diffusers' registration order.
 *
 * @example
 * attentionBlockParameters('mid_block.attentions.0', { channels: 64, headDim: 8, groups: 32, epsilon: 1e-5, rescaleOutputFactor: 1 });
 */
export function attentionBlockParameters(prefix: string, options: AttentionBlockOptions): ParameterSpec[] {
  const { channels, groups } = options;
  const inner = attentionHeads(options) * options.headDim;
  return [
    ...(groups === null ? [] : groupNormParameters(`${prefix}.group_norm`, { channels, groups })),
    ...linearParameters(`${prefix}.to_q`, { inFeatures: channels, outFeatures: inner }),
    ...linearParameters(`${prefix}.to_k`, { inFeatures: channels, outFeatures: inner }),
    ...linearParameters(`${prefix}.to_v`, { inFeatures: channels, outFeatures: inner }),
    ...linearParameters(`${prefix}.to_out.0`, { inFeatures: inner, outFeatures: channels }),
  ];
}

/**
 * Applies an attention block to NHWC `x`.
 *
 * @example
 * const y = attentionBlock(context, { prefix: 'mid_block.attentions.0', options, x });
 */
export function attentionBlock(
  context: ForwardContext,
  input: { prefix: string; options: AttentionBlockOptions; x: tf.Tensor4D },
): tf.Tensor4D {
  const { prefix, options, x } = input;
  const { weights } = context;
  return tf.tidy(() => {
    const [batch, height, width, channels] = x.shape;
    const normalized =
      options.groups === null
        ? x
        : normalize(context, { prefix: `${prefix}.group_norm`, x, groups: options.groups, epsilon: options.epsilon });
    const tokens = tf.reshape(normalized, [batch, height * width, channels]) as tf.Tensor3D;
    const project = (name: string) => linear({ x: tokens, weights, prefix: `${prefix}.${name}` });
    const attended = context.kernels.attention({
      query: project('to_q'),
      key: project('to_k'),
      value: project('to_v'),
      heads: attentionHeads(options),
    });
    const out = linear({ x: attended, weights, prefix: `${prefix}.to_out.0` });
    const sum = tf.add(tf.reshape(out, x.shape), x);
    return (options.rescaleOutputFactor === 1 ? sum : tf.div(sum, options.rescaleOutputFactor)) as tf.Tensor4D;
  });
}
