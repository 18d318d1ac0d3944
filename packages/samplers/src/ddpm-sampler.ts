/**
 * DDPM ancestral sampling: Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models",
 * x_{t'} ~ q(x_{t'} | x_t, x̂₀) with the posterior of eqs. (6)–(7), x̂₀ from eq. (15); learned variances
 * from Nichol & Dhariwal 2021, "Improved Denoising Diffusion Probabilistic Models", eq. (15).
 * diffusers' `DDPMScheduler`, number for number, except:
 *
 * - `fixed_large_log`: diffusers takes √(log β_t), which is NaN, so every step with t > 0 returns NaN.
 *   Here it is what the name says (Glide's "max_log"): the standard deviation exp(½·log β_t) = √β_t, the
 *   same numbers as `fixed_large`.
 * - `step` before `setTimesteps` is a StateError (diffusers then steps through all T timesteps:
 *   call `setTimesteps(numTrainTimesteps)` for that).
 */
import { requireOneOf, tidyRecord, ValueError } from '@diffuse/core';
import { posteriorCoefficients } from '@diffuse/forward';
import { scalar, split, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import { DiffusersSampler, type StepOptions, type StepOutput } from './diffusers-sampler.js';
import { type CommonSamplerOptions, type Resolved, resolveCommonOptions } from './sampler-config.js';

/** How a DDPM step chooses its variance. */
export const VARIANCE_TYPES = [
  'fixed_small',
  'fixed_small_log',
  'fixed_large',
  'fixed_large_log',
  'learned',
  'learned_range',
] as const;

/** A DDPM variance type (see {@link DDPMSamplerOptions.varianceType}). */
export type VarianceType = (typeof VARIANCE_TYPES)[number];

/** Options of {@link DDPMSampler}: diffusers' `DDPMScheduler` arguments, camelCase. */
export interface DDPMSamplerOptions extends CommonSamplerOptions {
  /**
   * - `fixed_small` (default): the posterior variance β̃_t (Ho et al.: "σ_t² = β̃_t");
   *   `fixed_small_log`: the same, through its log (rl-diffuser).
   * - `fixed_large`: β_t (Ho et al.: "σ_t² = β_t"); `fixed_large_log`: the same, through its log.
   * - `learned`: the model's second half of channels is the variance itself.
   * - `learned_range`: it is v ∈ [−1, 1] interpolating the log-variance between log β̃_t and log β_t
   *   (Nichol & Dhariwal 2021, eq. 15).
   *
   * For the learned types the model output has 2C channels (NHWC: the last axis), `[..C]` the
   * prediction and `[C..]` the variance.
   */
  varianceType?: VarianceType;
}

/**
 * The DDPM sampler.
 *
 * Options (defaults): `numTrainTimesteps` (1000), `betaStart` (0.0001), `betaEnd` (0.02),
 * `betaSchedule` (`linear` | `scaled_linear` | `squaredcos_cap_v2` | `sigmoid` | `laplace`),
 * `trainedBetas` (null), `varianceType` (`fixed_small`, see {@link VARIANCE_TYPES}), `clipSample` (true),
 * `predictionType` (`epsilon` | `sample` | `v_prediction`), `thresholding` (false),
 * `dynamicThresholdingRatio` (0.995), `clipSampleRange` (1), `sampleMaxValue` (1),
 * `timestepSpacing` (`leading` | `trailing` | `linspace`), `stepsOffset` (0), `rescaleBetasZeroSnr` (false).
 *
 * @example
 * const sampler = new DDPMSampler({ varianceType: 'fixed_small' });
 * sampler.setTimesteps(1000);
 * const { prevSample, predOriginalSample } = sampler.step(eps, 999, x, { generator: new NoiseGenerator(0) });
 */
export class DDPMSampler extends DiffusersSampler<DDPMSamplerOptions> {
  /** Every option with its default, in diffusers' order. */
  static readonly defaults: Resolved<DDPMSamplerOptions> = {
    numTrainTimesteps: 1000,
    betaStart: 0.0001,
    betaEnd: 0.02,
    betaSchedule: 'linear',
    trainedBetas: null,
    varianceType: 'fixed_small',
    clipSample: true,
    predictionType: 'epsilon',
    thresholding: false,
    dynamicThresholdingRatio: 0.995,
    clipSampleRange: 1,
    sampleMaxValue: 1,
    timestepSpacing: 'leading',
    stepsOffset: 0,
    rescaleBetasZeroSnr: false,
  };

  readonly className = 'DDPMScheduler';

  constructor(options: DDPMSamplerOptions = {}) {
    const resolved = resolveCommonOptions(options, DDPMSampler.defaults);
    requireOneOf('varianceType', resolved.varianceType, VARIANCE_TYPES);
    super(resolved);
  }

  /**
   * One ancestral step from x_t to x_{t'} ~ N(μ̃(x_t, x̂₀), σ²), t' the next timestep of the schedule.
   * Noise is added when t > 0 (as diffusers), from `noise` or `generator` (see {@link StepOptions}).
   *
   * @param modelOutput ε, x₀ or v (per `predictionType`); 2C channels for learned variances.
   * @param timestep t, one of `timesteps`.
   * @param sample x_t, [B, H, W, C].
   */
  step(modelOutput: Tensor4D, timestep: number, sample: Tensor4D, options: StepOptions = {}): StepOutput {
    // Legend (Ho et al. 2020): alphaProd = ᾱ_t, alphaProdPrev = ᾱ_{t'}, alpha = α_t = ᾱ_t/ᾱ_{t'},
    // beta = β_t, variance = β̃_t (eq. 7), predOriginalSample = x̂₀ (eq. 15), prevSample = x_{t'}.
    for (const argument of ['eta', 'useClippedModelOutput'] as const) {
      if (options[argument] !== undefined) {
        throw new ValueError({ argument, expected: 'no DDIM option for a DDPM step', received: options[argument] });
      }
    }
    const varianceType = this.options.varianceType;
    const learned = varianceType === 'learned' || varianceType === 'learned_range';
    const channels = sample.shape[3];
    const { stepIndex, prevTimestep } = this.locateStep(
      modelOutput,
      timestep,
      sample,
      options,
      (learned ? 2 : 1) * channels,
    );

    // 1. ᾱ_t, ᾱ_{t'} (1 after the last step), and the posterior between them
    const alphaProd = this.schedule.alphasCumprod[timestep]!;
    const alphaProdPrev = prevTimestep >= 0 ? this.schedule.alphasCumprod[prevTimestep]! : 1;
    const { originalCoefficient, sampleCoefficient, variance, beta } = posteriorCoefficients({
      alphaProd,
      alphaProdPrev,
    });

    return tidyRecord(() => {
      const [prediction, predictedVariance] = learned ? split(modelOutput, 2, 3) : [modelOutput, undefined];
      // 2. x̂₀ = (x_t − √(1 − ᾱ_t)·ε)/√ᾱ_t, eq. (15) (or x₀ / v), then 3. clip or threshold it
      const predOriginalSample = this.originalSample(prediction as Tensor4D, sample, alphaProd);
      // 4.–5. μ̃_t = (√ᾱ_{t'}·β_t/(1 − ᾱ_t))·x̂₀ + (√α_t·(1 − ᾱ_{t'})/(1 − ᾱ_t))·x_t, eq. (7)
      let prevSample: Tensor4D = predOriginalSample.mul(originalCoefficient).add(sample.mul(sampleCoefficient));
      // 6. x_{t'} = μ̃_t + σ·z for t > 0
      if (timestep > 0) {
        const standardDeviation = this.standardDeviation(variance, beta, predictedVariance);
        prevSample = prevSample.add(this.varianceNoise(sample, stepIndex, options).mul(standardDeviation));
      }
      return { prevSample, predOriginalSample };
    });
  }

  /** σ of the step: a number, or a tensor for learned variances. Inside `tidy`. */
  private standardDeviation(variance: number, beta: number, predictedVariance: Tensor | undefined): number | Tensor {
    // β̃ is clamped at 1e-20 before its log is taken, as diffusers does.
    const smallVariance = Math.max(variance, 1e-20);
    switch (this.options.varianceType) {
      case 'fixed_small':
      case 'fixed_small_log':
        return Math.sqrt(smallVariance);
      case 'fixed_large':
      case 'fixed_large_log':
        return Math.sqrt(beta);
      case 'learned':
        return predictedVariance!.sqrt();
      case 'learned_range': {
        // log σ² = frac·log β_t + (1 − frac)·log β̃_t with frac = (v + 1)/2, Nichol & Dhariwal eq. (15)
        const fraction = predictedVariance!.add(1).div(2);
        const logVariance = fraction.mul(Math.log(beta)).add(scalar(1).sub(fraction).mul(Math.log(smallVariance)));
        return logVariance.mul(0.5).exp();
      }
    }
  }
}
