/**
 * The forward-process posterior q(x_{t'} | x_t, x_0) between any two noise levels t' < t (Ho et al.
 * 2020, eqs. (6)–(7); t' = t − 1 there, any earlier timestep for strided samplers as in diffusers):
 *
 *   μ̃ = (√ᾱ_{t'}·β_t / (1 − ᾱ_t))·x_0 + (√α_t·(1 − ᾱ_{t'}) / (1 − ᾱ_t))·x_t,   β̃ = (1 − ᾱ_{t'})/(1 − ᾱ_t)·β_t
 *
 * with α_t = ᾱ_t/ᾱ_{t'} and β_t = 1 − α_t the effective single-step values between the two levels.
 */
import type { NoiseSchedule } from '@diffuse/core';
import { requireInRange, requireInteger, ValueError } from '@diffuse/core';

/** Where the posterior is taken: ᾱ of both levels, or a schedule and two timesteps. */
export type PosteriorLevels =
  | { alphaProd: number; alphaProdPrev: number }
  /** `prevTimestep` defaults to t − 1; a negative one means the clean data (ᾱ = 1). */
  | { schedule: NoiseSchedule; timestep: number; prevTimestep?: number };

/** The numbers of q(x_{t'} | x_t, x_0). */
export interface PosteriorCoefficients {
  /** Coefficient of x_0 in the mean μ̃. */
  originalCoefficient: number;
  /** Coefficient of x_t in the mean μ̃. */
  sampleCoefficient: number;
  /** β̃, the posterior variance (0 when t' is the clean data). */
  variance: number;
  /** β_t = 1 − ᾱ_t/ᾱ_{t'}, the forward variance between the levels (DDPM's "large" variance). */
  beta: number;
}

/**
 * Mean coefficients and variance of the posterior q(x_{t'} | x_t, x_0).
 *
 * @example
 * const { originalCoefficient, sampleCoefficient, variance } = posteriorCoefficients({ schedule, timestep: 487 });
 * // μ̃ = originalCoefficient·x0 + sampleCoefficient·xt; variance ≈ 0.00979 for the linear schedule
 */
export function posteriorCoefficients(levels: PosteriorLevels): PosteriorCoefficients {
  let alphaProd: number;
  let alphaProdPrev: number;
  if ('schedule' in levels) {
    const { schedule } = levels;
    const timestep = requireInteger('timestep', levels.timestep, { min: 0, max: schedule.numTrainTimesteps - 1 });
    const prev = requireInteger('prevTimestep', levels.prevTimestep ?? timestep - 1, { max: timestep - 1 });
    alphaProd = schedule.alphasCumprod[timestep]!;
    alphaProdPrev = prev >= 0 ? schedule.alphasCumprod[prev]! : 1;
  } else {
    alphaProd = requireInRange('alphaProd', levels.alphaProd, 0, 1);
    alphaProdPrev = requireInRange('alphaProdPrev', levels.alphaProdPrev, 0, 1);
    if (alphaProdPrev < alphaProd) {
      throw new ValueError({
        argument: 'alphaProdPrev',
        expected: `ᾱ of the less noisy level, ≥ alphaProd (${alphaProd})`,
        received: alphaProdPrev,
      });
    }
  }
  const betaProd = 1 - alphaProd;
  const betaProdPrev = 1 - alphaProdPrev;
  const alpha = alphaProd / alphaProdPrev;
  const beta = 1 - alpha;
  return {
    originalCoefficient: (Math.sqrt(alphaProdPrev) * beta) / betaProd,
    sampleCoefficient: (Math.sqrt(alpha) * betaProdPrev) / betaProd,
    variance: (betaProdPrev / betaProd) * beta,
    beta,
  };
}
