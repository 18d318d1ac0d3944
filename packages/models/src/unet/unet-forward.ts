/**
 * The forward pass of `UNet2DModel` (Ronneberger et al. 2015, as adapted by Ho et al. 2020): time (and
 * class) embedding, input conv, encoder levels keeping skip states, bottleneck, decoder levels consuming
 * them, then GroupNorm → SiLU → output conv. Follows diffusers' `UNet2DModel.forward`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { downBlock } from './down-block.js';
import { type ForwardContext, normalize } from './forward-context.js';
import { activation, conv2d, weight } from './layers.js';
import { midBlock } from './mid-block.js';
import { embeddingLookup, timeProjection, timestepMlp } from './timestep-embedding.js';
import type { UNet2DPlan } from './unet-plan.js';
import { upBlock } from './up-block.js';

/** The validated inputs of one forward pass. */
export interface UNet2DForwardInput {
  /** NHWC, `inChannels` channels, height and width multiples of `plan.spatialMultiple`. */
  sample: tf.Tensor4D;
  /** Float timesteps, one per batch item. */
  timesteps: tf.Tensor1D;
  /** Float class labels (integer values), one per batch item, when the model is class-conditional. */
  classLabels?: tf.Tensor1D;
}

function embed(context: ForwardContext, plan: UNet2DPlan, input: UNet2DForwardInput): tf.Tensor2D {
  const projected = timeProjection(context, { ...plan.timeProjection, timesteps: input.timesteps });
  let embedding = timestepMlp(context, { prefix: 'time_embedding', x: projected });
  const { classEmbedding } = plan;
  if (classEmbedding !== null && input.classLabels !== undefined) {
    const classVector =
      classEmbedding.kind === 'table'
        ? embeddingLookup({
            indices: input.classLabels,
            table: weight(context.weights, 'class_embedding.weight') as tf.Tensor2D,
          })
        : timestepMlp(context, {
            prefix: 'class_embedding',
            x: timeProjection(context, { ...plan.timeProjection, timesteps: input.classLabels }),
          });
    embedding = tf.add(embedding, classVector);
  }
  return embedding;
}

/**
 * Runs the U-Net described by `plan` with the weights of `context`; returns NHWC with `outChannels`.
 *
 * @example
 * const output = unet2DForward(context, plan, { sample, timesteps: tf.tensor1d([10, 500]) });
 */
export function unet2DForward(context: ForwardContext, plan: UNet2DPlan, input: UNet2DForwardInput): tf.Tensor4D {
  const { config } = plan;
  return tf.tidy(() => {
    const sample = config.centerInputSample ? (tf.sub(tf.mul(input.sample, 2), 1) as tf.Tensor4D) : input.sample;
    const temb = embed(context, plan, input);
    let h = conv2d({ x: sample, weights: context.weights, prefix: 'conv_in', padding: [1, 1, 1, 1] });

    const skips: tf.Tensor4D[] = [h];
    for (const options of plan.downBlocks) {
      const states = downBlock(context, { options, x: h, temb });
      skips.push(...states);
      h = states[states.length - 1]!;
    }
    if (plan.midBlock !== null) h = midBlock(context, { options: plan.midBlock, x: h, temb });
    for (const options of plan.upBlocks) {
      const count = options.resnets.length;
      h = upBlock(context, { options, x: h, skips: skips.splice(skips.length - count, count), temb });
    }

    h = normalize(context, { prefix: 'conv_norm_out', x: h, groups: config.normNumGroups, epsilon: config.normEps });
    h = conv2d({ x: activation('silu', h), weights: context.weights, prefix: 'conv_out', padding: [1, 1, 1, 1] });
    if (config.timeEmbeddingType === 'fourier') {
      h = tf.div(h, tf.reshape(input.timesteps, [-1, 1, 1, 1]));
    }
    return h;
  });
}
