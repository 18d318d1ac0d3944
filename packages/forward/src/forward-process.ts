/**
 * The forward (noising) process of Ho et al. 2020, "Denoising Diffusion Probabilistic Models":
 *
 * - one step, eq. (2):     q(x_t | x_{t−1}) = N(√(1 − β_t)·x_{t−1}, β_t·I)        → {@link forwardStep}
 * - closed form, eq. (4):  q(x_t | x_0)     = N(√ᾱ_t·x_0, (1 − ᾱ_t)·I)            → {@link addNoise}
 * - velocity (Salimans & Ho 2022, "Progressive Distillation", §4): v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0
 *                                                                              → {@link getVelocity}
 *
 * Indexing is diffusers': t ∈ [0, T) and ᾱ_t = ∏_{s ≤ t} α_s, so the clean sample sits before step 0
 * (`addNoise` at t = 0 already adds β_0 of noise, and `forwardStep` at t = 0 takes the clean sample).
 */
import type { NoiseSchedule, Timesteps } from '@diffuse/core';
import { assertShape } from '@diffuse/core';
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import { batchOf, type NoiseLevel, perTimestep, signalAndSigma } from './noise-level.js';

/**
 * Inputs of {@link addNoise} and {@link getVelocity}: x_0 and ε at a noise level, usually
 * `{ schedule, timesteps }` with t one for the whole batch, one per item (numbers), or a 1-D int32
 * tensor (training); or `{ alphaProd }`.
 */
export type NoisingOptions = {
  /** x_0, [B, H, W, C] (any rank ≥ 1 works: the first axis is the batch). diffusers' `original_samples`. */
  original: Tensor;
  /** ε, the shape of `original`. */
  noise: Tensor;
} & NoiseLevel;

/**
 * Samples q(x_t | x_0): x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (diffusers' `add_noise`).
 *
 * @example
 * const noisy = addNoise({ schedule, original: images, noise, timesteps: [10, 500, 999, 0] });
 */
export function addNoise(options: NoisingOptions): Tensor {
  const { original, noise } = options;
  assertShape('noise', noise.shape, original.shape);
  return tidy(() => {
    const { signal, sigma } = signalAndSigma(options, batchOf('original', original), original.rank);
    return original.mul(signal).add(noise.mul(sigma));
  });
}

/**
 * The v-prediction target v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0 (diffusers' `get_velocity`).
 *
 * @example
 * const target = getVelocity({ schedule, original: images, noise, timesteps });  // diffusers' `sample` is x_0
 */
export function getVelocity(options: NoisingOptions): Tensor {
  const { original, noise } = options;
  assertShape('noise', noise.shape, original.shape);
  return tidy(() => {
    const { signal, sigma } = signalAndSigma(options, batchOf('original', original), original.rank);
    return noise.mul(signal).sub(original.mul(sigma));
  });
}

/** Inputs of {@link forwardStep}. */
export interface ForwardStepOptions {
  schedule: NoiseSchedule;
  /** x_{t−1} (the clean sample for t = 0). */
  previous: Tensor;
  /** ε, the shape of `previous`. */
  noise: Tensor;
  /** t of the result: one for the batch, one per item, or a 1-D int32 tensor. */
  timesteps: Timesteps;
}

/**
 * One forward step, q(x_t | x_{t−1}): x_t = √(1 − β_t)·x_{t−1} + √β_t·ε. Iterating it from t = 0 to t
 * has the law of {@link addNoise} at t.
 *
 * @example
 * let x = clean;
 * for (let t = 0; t < 10; t++) x = forwardStep({ schedule, previous: x, noise: noises[t], timesteps: t });
 */
export function forwardStep(options: ForwardStepOptions): Tensor {
  const { schedule, previous, noise, timesteps } = options;
  assertShape('noise', noise.shape, previous.shape);
  return tidy(() => {
    const batch = batchOf('previous', previous);
    const level = { schedule, timesteps, batch, rank: previous.rank, argument: 'timesteps' };
    const keep = perTimestep({ ...level, value: (t) => Math.sqrt(schedule.alphas[t]!) });
    const sigma = perTimestep({ ...level, value: (t) => Math.sqrt(schedule.betas[t]!) });
    return previous.mul(keep).add(noise.mul(sigma));
  });
}
