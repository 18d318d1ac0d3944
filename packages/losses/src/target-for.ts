/**
 * Training targets by prediction type: ε (the noise), x₀ (the clean sample) or the velocity
 * v = √ᾱ_t·ε − √(1 − ᾱ_t)·x₀ (Salimans & Ho 2022, "Progressive Distillation for Fast Sampling of
 * Diffusion Models", §4), computed by `getVelocity` of `@diffuse/forward`.
 */
import type { NoiseSchedule, PredictionType, Timesteps } from '@diffuse/core';
import { assertShape, ConfigError, requireOneOf, ShapeError } from '@diffuse/core';
import { getVelocity, PREDICTION_TYPES } from '@diffuse/forward';
import { clone, type Tensor } from '@tensorflow/tfjs-core';

/** Options of {@link targetFor}. */
export interface TargetForOptions {
  /** What the network predicts. */
  predictionType: PredictionType;
  /** x₀, [B, ...] (NHWC images, or any rank ≥ 1 with the batch first). */
  original: Tensor;
  /** ε, the shape of `original`. */
  noise: Tensor;
  /** Timesteps of each batch item (needed for `v_prediction`): one number, B numbers or a 1-D tensor. */
  timesteps?: Timesteps;
  /** The schedule the timesteps index (needed for `v_prediction`). */
  schedule?: NoiseSchedule;
}

/**
 * The regression target of a prediction type: a new tensor (the caller disposes it), inputs untouched.
 *
 * @example
 * const target = targetFor({ predictionType: 'v_prediction', original: x0, noise, timesteps, schedule });
 * const loss = diffusionLoss({ prediction: model.predict({ sample: noisy, timestep: timesteps }), target });
 */
export function targetFor(options: TargetForOptions): Tensor {
  const predictionType = requireOneOf('predictionType', options.predictionType, PREDICTION_TYPES);
  const { original, noise, timesteps, schedule } = options;
  assertShape('noise', noise.shape, original.shape);
  if (original.rank < 1) {
    throw new ShapeError({
      argument: 'original',
      expected: 'a tensor with a batch axis (rank ≥ 1)',
      received: original.shape,
    });
  }
  if (predictionType !== 'v_prediction') return clone(predictionType === 'epsilon' ? noise : original);
  if (schedule === undefined || timesteps === undefined) {
    throw new ConfigError({
      argument: schedule === undefined ? 'schedule' : 'timesteps',
      expected: 'a schedule and timesteps for the v_prediction target',
      received: undefined,
    });
  }
  // Per-item coefficients broadcast over the batch axis of any rank.
  return getVelocity({ schedule, timesteps, original, noise });
}
