/**
 * Min-SNR-γ loss weighting: Hang et al. 2023, "Efficient Diffusion Training via Min-SNR Weighting
 * Strategy" (arXiv:2303.09556). With SNR(t) = ᾱ_t / (1 − ᾱ_t), the x₀-space weight is min(SNR, γ)
 * (§3.4); expressed for what the network predicts (§4.2, and diffusers' `train_text_to_image.py`):
 *
 * | prediction type | weight                    | stable form used here            |
 * |-----------------|---------------------------|----------------------------------|
 * | `epsilon`       | min(SNR, γ) / SNR         | min(1, γ / SNR)   (→ 1 at SNR 0) |
 * | `sample` (x₀)   | min(SNR, γ)               | the same                         |
 * | `v_prediction`  | min(SNR, γ) / (SNR + 1)   | the same          (→ 0 at SNR 0) |
 *
 * The paper recommends γ = 5. diffusers computes ε's weight as min(SNR, γ)/SNR, which is NaN where SNR = 0
 * (zero-terminal-SNR schedules); the stable form gives its limit, 1.
 */
import type { NoiseSchedule, PredictionType } from '@diffuse/core';
import { ConfigError, requirePositive } from '@diffuse/core';

/**
 * SNR(t) = ᾱ_t / (1 − ᾱ_t) for every timestep of a schedule (diffusers' `compute_snr`, in float64;
 * +∞ where ᾱ_t = 1).
 *
 * @example
 * const snr = signalToNoiseRatios(schedule); // Float64Array of numTrainTimesteps values, decreasing
 */
export function signalToNoiseRatios(schedule: NoiseSchedule): Float64Array {
  return schedule.alphasCumprod.map((alphaProd) => alphaProd / (1 - alphaProd));
}

/**
 * The Min-SNR-γ weight of one timestep with signal-to-noise ratio `snr` (see the table above).
 *
 * @example
 * minSnrWeight({ snr: 20, gamma: 5, predictionType: 'epsilon' }); // 0.25
 */
export function minSnrWeight(options: { snr: number; gamma: number; predictionType: PredictionType }): number {
  const { snr, gamma, predictionType } = options;
  switch (predictionType) {
    case 'epsilon':
      return Math.min(1, gamma / snr);
    case 'sample':
      return Math.min(snr, gamma);
    case 'v_prediction':
      return snr === Number.POSITIVE_INFINITY ? 0 : Math.min(snr, gamma) / (snr + 1);
    default:
      throw new ConfigError({
        argument: 'predictionType',
        expected: 'one of "epsilon", "sample", "v_prediction"',
        received: predictionType,
      });
  }
}

/**
 * The Min-SNR-γ weight of every timestep of a schedule, for a prediction type.
 *
 * @example
 * const weights = minSnrWeights({ schedule, gamma: 5, predictionType: 'v_prediction' });
 */
export function minSnrWeights(options: {
  schedule: NoiseSchedule;
  gamma: number;
  predictionType: PredictionType;
}): Float64Array {
  const gamma = requirePositive('gamma', options.gamma);
  const { predictionType } = options;
  return signalToNoiseRatios(options.schedule).map((snr) => minSnrWeight({ snr, gamma, predictionType }));
}
