/**
 * Classifier-free guidance (Ho & Salimans 2022, "Classifier-Free Diffusion Guidance", eq. (6)):
 * ε̃ = ε_uncond + w·(ε_cond − ε_uncond). `w = 1` is the conditional model; `w = 0` the unconditional one.
 * Also valid for x₀- and v-predictions (the combination is linear in the model output).
 */
import {
  assertRank,
  type Denoiser,
  type DenoiserInput,
  requireFinite,
  requireInRange,
  requireInteger,
  ShapeError,
  ValueError,
} from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { classLabelsTensor } from './class-labels.js';

/**
 * Combines an unconditional and a conditional prediction: `unconditional + scale·(conditional − unconditional)`.
 * Optional `guidanceRescale` (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are
 * Flawed", eq. (16)) rescales the result's per-sample standard deviation towards the conditional one's.
 *
 * @example
 * const guided = classifierFreeGuidance({ unconditional: epsU, conditional: epsC, scale: 3 });
 */
export function classifierFreeGuidance(options: {
  unconditional: tf.Tensor;
  conditional: tf.Tensor;
  scale: number;
  guidanceRescale?: number;
}): tf.Tensor {
  const { unconditional, conditional } = options;
  const scale = requireFinite('scale', options.scale);
  const rescale = requireInRange('guidanceRescale', options.guidanceRescale ?? 0, 0, 1);
  if (!tf.util.arraysEqual(unconditional.shape, conditional.shape)) {
    throw new ShapeError({
      argument: 'conditional',
      expected: `the shape of \`unconditional\` ${JSON.stringify(unconditional.shape)}`,
      received: conditional.shape,
    });
  }
  return tf.tidy(() => {
    const guided = unconditional.add(conditional.sub(unconditional).mul(scale));
    if (rescale === 0) return guided;
    const axes = guided.shape.map((_, i) => i).slice(1);
    const standardDeviation = (x: tf.Tensor) => tf.moments(x, axes, true).variance.sqrt();
    const rescaled = guided.mul(standardDeviation(conditional).div(standardDeviation(guided)));
    return rescaled.mul(rescale).add(guided.mul(1 - rescale));
  });
}

/** Options of {@link guidedDenoiser}. */
export interface GuidedDenoiserOptions {
  /** A class-conditional denoiser trained with label dropout (see `dropClassLabels`). */
  denoiser: Denoiser;
  /** Guidance scale w. */
  scale: number;
  /** The label that means "no class" (the null token the model was trained with). */
  nullClass: number;
  /** Rescale factor φ of Lin et al. 2024 (default 0: off). */
  guidanceRescale?: number;
}

/**
 * Wraps a class-conditional denoiser into one that applies classifier-free guidance: each `predict` runs
 * the model once on a doubled batch (conditional labels, then `nullClass`) and combines the halves.
 * With `scale === 1` it makes a single conditional call.
 *
 * @example
 * const guided = guidedDenoiser({ denoiser: unet, scale: 4, nullClass: 10 });
 * const eps = guided.predict({ sample, timestep: 500, classLabels: [3, 3, 7, 7] });
 */
export function guidedDenoiser(options: GuidedDenoiserOptions): Denoiser {
  const { denoiser } = options;
  const scale = requireFinite('scale', options.scale);
  const nullClass = requireInteger('nullClass', options.nullClass, { min: 0 });
  const guidanceRescale = requireInRange('guidanceRescale', options.guidanceRescale ?? 0, 0, 1);
  return {
    predict(input: DenoiserInput): tf.Tensor4D {
      const classLabels = input.classLabels;
      if (classLabels === undefined) {
        throw new ValueError({
          argument: 'classLabels',
          expected: 'class labels to guide towards',
          received: undefined,
        });
      }
      if (scale === 1) return denoiser.predict(input);
      return tf.tidy(() => {
        const { sample } = input;
        assertRank('sample', sample, 4, 'NHWC');
        const batch = sample.shape[0];
        const conditionalLabels = classLabelsTensor(classLabels);
        if (conditionalLabels.shape[0] !== batch) {
          throw new ShapeError({
            argument: 'classLabels',
            expected: `${batch} labels (one per sample)`,
            received: conditionalLabels.shape,
          });
        }
        const doubledLabels = tf.concat([conditionalLabels, tf.fill([batch], nullClass, 'int32')]) as tf.Tensor1D;
        // One timestep for the batch stays one; one per item is doubled with the batch.
        const perItem = input.timestep;
        const count =
          typeof perItem === 'number' ? 1 : Array.isArray(perItem) ? perItem.length : (perItem as tf.Tensor1D).shape[0];
        const timestep =
          count === 1 || typeof perItem === 'number'
            ? perItem
            : Array.isArray(perItem)
              ? [...perItem, ...perItem]
              : (tf.concat([perItem as tf.Tensor1D, perItem as tf.Tensor1D]) as tf.Tensor1D);
        const output = denoiser.predict({
          ...input,
          sample: tf.concat([sample, sample]) as tf.Tensor4D,
          timestep,
          classLabels: doubledLabels,
          ...(input.context === undefined ? {} : { context: tf.concat([input.context, input.context]) }),
        });
        const [conditional, unconditional] = tf.split(output, 2, 0) as [tf.Tensor4D, tf.Tensor4D];
        return classifierFreeGuidance({
          unconditional,
          conditional,
          scale,
          guidanceRescale,
        }) as tf.Tensor4D;
      });
    },
    ...(denoiser.trainableVariables ? { trainableVariables: denoiser.trainableVariables } : {}),
  };
}
