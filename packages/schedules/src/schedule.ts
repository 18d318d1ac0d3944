/**
 * A discrete noise schedule as plain numbers: β, α, ᾱ and their usual views, computed once.
 *
 * Precision: β and α = 1 − β are float32 numbers, as in diffusers (whose tensors are float32), and ᾱ is
 * their product accumulated in float64, as torch's CPU `cumprod` accumulates; so `Math.fround(ᾱ_t)`
 * equals diffusers' `alphas_cumprod[t]` bit for bit for the linear, scaled-linear, cosine, Laplace and
 * trained schedules. Everything derived from ᾱ (σ, SNR, coefficients) is float64.
 */
import type { NoiseSchedule } from '@diffuse/core';
import { ConfigError, requireBoolean, requireInRange, requireInteger, requireOneOf } from '@diffuse/core';
import { BETA_SCHEDULES, type BetaScheduleName, betasFor, rescaleZeroTerminalSnr } from './beta-schedules.js';
import { float32 } from './float32.js';

/** How to build a schedule: diffusers' scheduler options, camelCase. */
export interface ScheduleOptions {
  /** T, the number of training timesteps. Default 1000. */
  numTrainTimesteps?: number;
  /** Default `linear`. Ignored when `trainedBetas` is given. */
  betaSchedule?: BetaScheduleName;
  /** β_0 of `linear`, `scaled_linear`, `sigmoid`. Default 0.0001. */
  betaStart?: number;
  /** β_{T−1} of `linear`, `scaled_linear`, `sigmoid`. Default 0.02. */
  betaEnd?: number;
  /** Explicit β (length `numTrainTimesteps`, each in [0, 1]); `null` = none. */
  trainedBetas?: readonly number[] | Float64Array | null;
  /** Rescale to zero terminal SNR (Lin et al. 2024, Algorithm 1). Default false. */
  rescaleBetasZeroSnr?: boolean;
}

/** A schedule: {@link NoiseSchedule}'s tables plus the usual views of ᾱ. All arrays are length T. */
export interface DiffusionSchedule extends NoiseSchedule {
  /** σ_t = √((1 − ᾱ_t)/ᾱ_t), the noise level of the variance-exploding view x_t/√ᾱ_t = x₀ + σ_t·ε. */
  readonly sigmas: Float64Array;
  /** SNR_t = ᾱ_t / (1 − ᾱ_t) (Kingma et al. 2021, "Variational Diffusion Models"). */
  readonly snr: Float64Array;
  /** λ_t = log SNR_t (−∞ where ᾱ_t = 0 after zero-SNR rescaling). */
  readonly logSnr: Float64Array;
}

/**
 * Builds the schedule of a diffusers-style configuration.
 *
 * @example
 * const schedule = createSchedule({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 });
 * schedule.alphasCumprod[999]; // ≈ 0.0047
 */
export function createSchedule(options: ScheduleOptions = {}): DiffusionSchedule {
  const rescale = requireBoolean('rescaleBetasZeroSnr', options.rescaleBetasZeroSnr ?? false);
  const numTrainTimesteps = requireInteger('numTrainTimesteps', options.numTrainTimesteps ?? 1000, {
    min: rescale ? 2 : 1,
  });
  let betas: Float64Array;
  if (options.trainedBetas !== undefined && options.trainedBetas !== null) {
    betas = trainedBetas(options.trainedBetas, numTrainTimesteps);
  } else {
    const betaSchedule = requireOneOf('betaSchedule', options.betaSchedule ?? 'linear', BETA_SCHEDULES);
    const betaStart = requireInRange('betaStart', options.betaStart ?? 0.0001, 0, 1);
    const betaEnd = requireInRange('betaEnd', options.betaEnd ?? 0.02, 0, 1);
    betas = betasFor({ betaSchedule, numTrainTimesteps, betaStart, betaEnd });
  }
  if (rescale) betas = rescaleZeroTerminalSnr(betas);
  return scheduleFromBetas(betas);
}

/**
 * The schedule of given β (used as they are: round them to float32 first to match diffusers).
 *
 * @example
 * const schedule = scheduleFromBetas(Float64Array.from({ length: 100 }, () => 0.01));
 */
export function scheduleFromBetas(betas: Float64Array): DiffusionSchedule {
  const numTrainTimesteps = betas.length;
  const alphas = betas.map((beta) => float32(1 - beta));
  const alphasCumprod = new Float64Array(numTrainTimesteps);
  let product = 1;
  for (let t = 0; t < numTrainTimesteps; t++) {
    product *= alphas[t]!;
    alphasCumprod[t] = product;
  }
  const snr = alphasCumprod.map((alphaBar) => alphaBar / (1 - alphaBar));
  return Object.freeze({
    numTrainTimesteps,
    betas,
    alphas,
    alphasCumprod,
    sigmas: alphasCumprod.map((alphaBar) => Math.sqrt((1 - alphaBar) / alphaBar)),
    snr,
    logSnr: snr.map(Math.log),
  });
}

function trainedBetas(values: readonly number[] | Float64Array, numTrainTimesteps: number): Float64Array {
  if (!Array.isArray(values) && !(values instanceof Float64Array)) {
    throw new ConfigError({ argument: 'trainedBetas', expected: 'an array of numbers', received: values });
  }
  if (values.length !== numTrainTimesteps) {
    throw new ConfigError({
      argument: 'trainedBetas',
      expected: `${numTrainTimesteps} values (one per training timestep, \`numTrainTimesteps\`)`,
      received: `${values.length} values`,
    });
  }
  return Float64Array.from(values, (beta, t) => float32(requireInRange(`trainedBetas[${t}]`, beta, 0, 1)));
}
