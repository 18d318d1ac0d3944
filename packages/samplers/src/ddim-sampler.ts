/**
 * DDIM: Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models", eq. (12), with σ_t(η) of
 * eq. (16). diffusers' `DDIMScheduler`, number for number, with one deliberate difference:
 *
 * **The previous timestep is the next entry of `timesteps`** (or "after the last one", where ᾱ is
 * `finalAlphaCumprod`). diffusers computes `t − T // n`, which equals the next entry only for `leading`
 * spacing: with `trailing` or `linspace` (or custom timesteps) it steps to timesteps that are not in
 * the schedule — e.g. linspace n = 10 goes 999 → 899 instead of 888, and trailing n = 7 ends at 142 → 0
 * using ᾱ_0 instead of `finalAlphaCumprod` (diffusers issues #11347 and #12633). For `leading` spacing
 * the results are identical.
 *
 * Also beyond diffusers: the `sigmoid` and `laplace` β schedules and custom timesteps are accepted.
 */
import type { PredictionType } from '@diffuse/core';
import { requireBoolean, requireFinite, tidyRecord, ValueError } from '@diffuse/core';
import { posteriorCoefficients, predictionToEpsilon } from '@diffuse/forward';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { DiffusersSampler, type StepOptions, type StepOutput } from './diffusers-sampler.js';
import { type CommonSamplerOptions, type Resolved, resolveCommonOptions } from './sampler-config.js';

/** Options of {@link DDIMSampler}: diffusers' `DDIMScheduler` arguments, camelCase. */
export interface DDIMSamplerOptions extends CommonSamplerOptions {
  /**
   * ᾱ after the last step: 1 (default; the final step lands on clean data) or, when false, ᾱ_0 (the
   * value at timestep 0, as Stable Diffusion 1.x configs set).
   */
  setAlphaToOne?: boolean;
}

/**
 * The DDIM sampler. η = 0 (default) is deterministic; η = 1 has DDPM's posterior variance.
 *
 * Options (defaults): `numTrainTimesteps` (1000), `betaStart` (0.0001), `betaEnd` (0.02),
 * `betaSchedule` (`linear` | `scaled_linear` | `squaredcos_cap_v2` | `sigmoid` | `laplace`),
 * `trainedBetas` (null), `clipSample` (true), `setAlphaToOne` (true), `stepsOffset` (0),
 * `predictionType` (`epsilon` | `sample` | `v_prediction`), `thresholding` (false),
 * `dynamicThresholdingRatio` (0.995), `clipSampleRange` (1), `sampleMaxValue` (1),
 * `timestepSpacing` (`leading` | `trailing` | `linspace`), `rescaleBetasZeroSnr` (false).
 *
 * @example
 * const sampler = new DDIMSampler({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 });
 * sampler.setTimesteps(50);
 * let x = tf.randomNormal([1, 64, 64, 4]) as tf.Tensor4D;
 * for (const t of sampler.timesteps) {
 *   const eps = unet.predict({ sample: x, timestep: t });
 *   const { prevSample, predOriginalSample } = sampler.step(eps, t, x, { eta: 0 });
 *   tf.dispose([x, eps, predOriginalSample]);
 *   x = prevSample;
 * }
 */
export class DDIMSampler extends DiffusersSampler<DDIMSamplerOptions> {
  /** Every option with its default, in diffusers' order. */
  static readonly defaults: Resolved<DDIMSamplerOptions> = {
    numTrainTimesteps: 1000,
    betaStart: 0.0001,
    betaEnd: 0.02,
    betaSchedule: 'linear',
    trainedBetas: null,
    clipSample: true,
    setAlphaToOne: true,
    stepsOffset: 0,
    predictionType: 'epsilon',
    thresholding: false,
    dynamicThresholdingRatio: 0.995,
    clipSampleRange: 1,
    sampleMaxValue: 1,
    timestepSpacing: 'leading',
    rescaleBetasZeroSnr: false,
  };

  readonly className = 'DDIMScheduler';

  constructor(options: DDIMSamplerOptions = {}) {
    const resolved = resolveCommonOptions(options, DDIMSampler.defaults);
    requireBoolean('setAlphaToOne', resolved.setAlphaToOne);
    super(resolved);
  }

  /** ᾱ after the last step: 1, or ᾱ_0 when `setAlphaToOne` is false. */
  get finalAlphaCumprod(): number {
    return this.options.setAlphaToOne ? 1 : this.schedule.alphasCumprod[0]!;
  }

  /**
   * One DDIM step from x_t to x_{t'}, t' the next timestep of the schedule.
   *
   * @param modelOutput The model's ε, x₀ or v (per `predictionType`), the shape of `sample`.
   * @param timestep t, one of `timesteps`.
   * @param sample x_t, [B, H, W, C].
   * @param options `eta` (η ≥ 0, default 0), `useClippedModelOutput` (recompute ε from the clipped x₀;
   *   default false), and the variance noise (`noise` | `generator`, used only when η > 0).
   */
  step(modelOutput: Tensor4D, timestep: number, sample: Tensor4D, options: StepOptions = {}): StepOutput {
    // Legend (eq. 12): alphaProd = ᾱ_t (α_t in the paper), alphaProdPrev = ᾱ_{t'}, betaProd = 1 − ᾱ_t,
    // predOriginalSample = "predicted x_0", predEpsilon = ε_θ(x_t), stdDev = σ_t(η),
    // direction = "direction pointing to x_t".
    const { stepIndex, prevTimestep } = this.locateStep(modelOutput, timestep, sample, options);
    const eta = requireFinite('eta', options.eta ?? 0);
    if (eta < 0) throw new ValueError({ argument: 'eta', expected: 'η ≥ 0', received: eta });
    const predictionType = this.options.predictionType as PredictionType;

    // 1. ᾱ_t and ᾱ_{t'} (the schedule's next timestep; `finalAlphaCumprod` after the last one)
    const alphaProd = this.schedule.alphasCumprod[timestep]!;
    const alphaProdPrev = prevTimestep >= 0 ? this.schedule.alphasCumprod[prevTimestep]! : this.finalAlphaCumprod;

    // 4. σ_t(η) = η·√((1 − ᾱ_{t'})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t'}), eq. (16): η times the posterior std
    const stdDev = eta * Math.sqrt(posteriorCoefficients({ alphaProd, alphaProdPrev }).variance);
    // 6.'s √(1 − ᾱ_{t'} − σ_t²) is real for η ≤ 1 (rounding aside); a larger η can make it NaN (diffusers: NaN).
    const directionSquared = 1 - alphaProdPrev - stdDev ** 2;
    if (directionSquared < -1e-12) {
      throw new ValueError({
        argument: 'eta',
        expected: `η ≤ ${Math.sqrt((1 - alphaProdPrev) / (stdDev / eta) ** 2)} at timestep ${timestep} (σ_t² ≤ 1 − ᾱ_{t'})`,
        received: eta,
      });
    }

    return tidyRecord(() => {
      // 2. "predicted x_0", then 3. clip or threshold it
      const predOriginalSample = this.originalSample(modelOutput, sample, alphaProd);
      // 5. ε, recomputed from the clipped x₀ if asked (Glide does this)
      const predEpsilon = options.useClippedModelOutput
        ? predictionToEpsilon({ predictionType: 'sample', modelOutput: predOriginalSample, sample, alphaProd })
        : predictionToEpsilon({ predictionType, modelOutput, sample, alphaProd });
      // 6. "direction pointing to x_t", eq. (12): √(1 − ᾱ_{t'} − σ_t²)·ε
      const direction = predEpsilon.mul(Math.sqrt(Math.max(0, directionSquared)));
      // 7. x_{t'} = √ᾱ_{t'}·x₀ + direction (+ σ_t·z when η > 0), eq. (12)
      let prevSample: Tensor4D = predOriginalSample.mul(Math.sqrt(alphaProdPrev)).add(direction);
      if (eta > 0) prevSample = prevSample.add(this.varianceNoise(sample, stepIndex, options).mul(stdDev));
      return { prevSample, predOriginalSample };
    });
  }
}
