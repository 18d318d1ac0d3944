/**
 * Conversions between what a network predicts — the noise ε, the clean sample x₀ ("sample") or the
 * velocity v — given x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε and v = √ᾱ·ε − √(1 − ᾱ)·x₀ (Salimans & Ho 2022,
 * "Progressive Distillation for Fast Sampling of Diffusion Models", §4 and appendix D).
 *
 * The formulas are written in diffusers' operation order, so float32 results match its schedulers':
 * ε → x₀ is (x_t − √(1 − ᾱ)·ε) / √ᾱ (±∞ where ᾱ = 0, as in diffusers; clipping then maps it to ±range).
 */
import type { PredictionType } from '@diffuse/core';
import { assertShape, requireOneOf } from '@diffuse/core';
import { clone, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { getVelocity } from './forward-process.js';
import { batchOf, type NoiseLevel, signalAndSigma } from './noise-level.js';

/** The prediction types, as diffusers spells them. */
export const PREDICTION_TYPES = ['epsilon', 'sample', 'v_prediction'] as const satisfies readonly PredictionType[];

/** A model output of type `predictionType` at noise level `level`, next to the x_t it was computed from. */
export type PredictionOptions = {
  predictionType: PredictionType;
  /** The network's output (ε, x₀ or v), the shape of `sample`. */
  modelOutput: Tensor;
  /** x_t, [B, ...] (NHWC images, or any rank ≥ 1 with the batch first). */
  sample: Tensor;
} & NoiseLevel;

/** What a prediction is converted to. */
type Target = 'original' | 'epsilon' | 'velocity';

function convert(options: PredictionOptions, target: Target): Tensor {
  const predictionType = requireOneOf('predictionType', options.predictionType, PREDICTION_TYPES);
  const { modelOutput: output, sample: x } = options;
  assertShape('modelOutput', output.shape, x.shape);
  return tidy(() => {
    const { signal, sigma } = signalAndSigma(options, batchOf('sample', x), x.rank); // √ᾱ, √(1 − ᾱ)
    switch (`${predictionType}→${target}`) {
      case 'epsilon→original':
        return x.sub(output.mul(sigma)).div(signal);
      case 'epsilon→epsilon':
      case 'sample→original':
      case 'v_prediction→velocity':
        return clone(output);
      case 'epsilon→velocity': // v = (ε − √(1 − ᾱ)·x_t) / √ᾱ
        return output.sub(x.mul(sigma)).div(signal);
      case 'sample→epsilon':
        return x.sub(output.mul(signal)).div(sigma);
      case 'sample→velocity': // v = (√ᾱ·x_t − x₀) / √(1 − ᾱ)
        return x.mul(signal).sub(output).div(sigma);
      case 'v_prediction→original':
        return x.mul(signal).sub(output.mul(sigma));
      default: // v_prediction→epsilon
        return output.mul(signal).add(x.mul(sigma));
    }
  });
}

/**
 * x₀ from a model output (diffusers' `pred_original_sample` before clipping).
 *
 * @example
 * const x0 = predictionToOriginal({ predictionType: 'v_prediction', modelOutput, sample, alphaProd: 0.5 });
 * const x0s = predictionToOriginal({ predictionType: 'epsilon', modelOutput, sample, schedule, timesteps: [10, 900] });
 */
export function predictionToOriginal(options: PredictionOptions): Tensor {
  return convert(options, 'original');
}

/**
 * ε from a model output (DDIM's `pred_epsilon`; with `predictionType: 'sample'` and the clipped x₀ as
 * `modelOutput`, DDIM's `use_clipped_model_output` ε).
 *
 * @example
 * const epsilon = predictionToEpsilon({ predictionType: 'sample', modelOutput: x0, sample, alphaProd });
 */
export function predictionToEpsilon(options: PredictionOptions): Tensor {
  return convert(options, 'epsilon');
}

/**
 * v from a model output.
 *
 * @example
 * const v = predictionToVelocity({ predictionType: 'epsilon', modelOutput, sample, schedule, timesteps });
 */
export function predictionToVelocity(options: PredictionOptions): Tensor {
  return convert(options, 'velocity');
}

/**
 * The training target of a prediction type: ε, x₀, or v = √ᾱ·ε − √(1 − ᾱ)·x₀.
 *
 * @example
 * const target = predictionTarget({ predictionType, original: images, noise, schedule, timesteps });
 */
export function predictionTarget(
  options: { predictionType: PredictionType; original: Tensor; noise: Tensor } & NoiseLevel,
): Tensor {
  const predictionType = requireOneOf('predictionType', options.predictionType, PREDICTION_TYPES);
  assertShape('noise', options.noise.shape, options.original.shape);
  if (predictionType === 'epsilon') return clone(options.noise);
  if (predictionType === 'sample') return clone(options.original);
  return getVelocity(options);
}
