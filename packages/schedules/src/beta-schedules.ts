/**
 * β schedules, computed as diffusers computes them: β is a float32 number (diffusers keeps β in a
 * float32 tensor), stored in a Float64Array.
 *
 * - `linear`: Ho et al. 2020, "Denoising Diffusion Probabilistic Models", §4 (β from 1e-4 to 0.02).
 * - `scaled_linear`: linear in √β (Rombach et al. 2022, latent diffusion / Stable Diffusion).
 * - `squaredcos_cap_v2`: the cosine schedule of Nichol & Dhariwal 2021, "Improved DDPM", eq. (17),
 *   ᾱ(t) = cos²((t + 0.008)/1.008 · π/2), β capped at 0.999.
 * - `sigmoid`: GeoDiff (Xu et al. 2022): β = sigmoid(linspace(−6, 6)) · (β_end − β_start) + β_start.
 * - `laplace`: Hang et al. 2024, "Improved Noise Schedule for Diffusion Training" (the λ = log-SNR
 *   Laplace schedule as diffusers writes it), β capped at 0.999.
 */
import { requireInRange, requireInteger } from '@diffuse/core';
import { float32, linspaceFloat32 } from './float32.js';

/** The β schedules diffusers' DDPMScheduler knows (DDIMScheduler only the first three; we allow all). */
export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid', 'laplace'] as const;

/** A named β schedule. */
export type BetaScheduleName = (typeof BETA_SCHEDULES)[number];

/**
 * β_t for `t = 0 … numTrainTimesteps − 1` that discretise a continuous ᾱ(τ), τ ∈ [0, 1]:
 * β_t = min(1 − ᾱ((t+1)/T) / ᾱ(t/T), maxBeta) (diffusers' `betas_for_alpha_bar`; `maxBeta` default 0.999).
 *
 * @example
 * const betas = betasForAlphaBar({ numTrainTimesteps: 1000, alphaBar: (tau) => Math.exp(-12 * tau) }); // "exp"
 */
export function betasForAlphaBar(options: {
  numTrainTimesteps: number;
  alphaBar: (tau: number) => number;
  maxBeta?: number;
}): Float64Array {
  const { numTrainTimesteps, alphaBar } = options;
  requireInteger('numTrainTimesteps', numTrainTimesteps, { min: 1 });
  const maxBeta = requireInRange('maxBeta', options.maxBeta ?? 0.999, 0, 1);
  const betas = new Float64Array(numTrainTimesteps);
  for (let t = 0; t < numTrainTimesteps; t++) {
    const ratio = alphaBar((t + 1) / numTrainTimesteps) / alphaBar(t / numTrainTimesteps);
    betas[t] = float32(Math.min(1 - ratio, maxBeta));
  }
  return betas;
}

/** Nichol & Dhariwal's cosine ᾱ(τ) with s = 0.008. */
export function cosineAlphaBar(tau: number): number {
  return Math.cos(((tau + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
}

/** The Laplace schedule's ᾱ(τ) as diffusers writes it: λ = −½·sign(½ − τ)·log(1 − 2|½ − τ| + 1e-6). */
export function laplaceAlphaBar(tau: number): number {
  const sign = 0.5 - tau >= 0 ? 1 : -1;
  const logSnr = -0.5 * sign * Math.log(1 - 2 * Math.abs(0.5 - tau) + 1e-6);
  const snr = Math.exp(logSnr);
  return Math.sqrt(snr / (1 + snr));
}

/**
 * The β of a named schedule, as float32 numbers equal to diffusers' (`sigmoid` within a float32 ulp:
 * torch's vectorised exp is not correctly rounded).
 *
 * @example
 * betasFor({ betaSchedule: 'linear', numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02 });
 */
export function betasFor(options: {
  betaSchedule: BetaScheduleName;
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
}): Float64Array {
  const { betaSchedule, numTrainTimesteps: steps, betaStart, betaEnd } = options;
  switch (betaSchedule) {
    case 'linear':
      return linspaceFloat32(betaStart, betaEnd, steps);
    case 'scaled_linear':
      return linspaceFloat32(Math.sqrt(betaStart), Math.sqrt(betaEnd), steps).map((root) => float32(root * root));
    case 'squaredcos_cap_v2':
      return betasForAlphaBar({ numTrainTimesteps: steps, alphaBar: cosineAlphaBar });
    case 'laplace':
      return betasForAlphaBar({ numTrainTimesteps: steps, alphaBar: laplaceAlphaBar });
    case 'sigmoid': {
      const range = float32(betaEnd - betaStart);
      const start = float32(betaStart);
      return linspaceFloat32(-6, 6, steps).map((x) =>
        float32(float32(float32(1 / (1 + Math.exp(-x))) * range) + start),
      );
    }
  }
}

/**
 * Rescales β so that the last timestep has zero signal-to-noise ratio (ᾱ_{T−1} = 0), keeping ᾱ_0:
 * Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Algorithm 1.
 * Computed in float64 (diffusers works in float32; the ᾱ agree to ~4e-5 relative, 2e-6 absolute), the
 * result rounded to float32 like every β here. β_{T−1} is exactly 1.
 */
export function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const count = betas.length;
  // √ᾱ from the float32 α = 1 − β, as the schedule itself computes it.
  const sqrtAlphasCumprod = new Float64Array(count);
  let product = 1;
  for (let t = 0; t < count; t++) {
    product *= float32(1 - betas[t]!);
    sqrtAlphasCumprod[t] = Math.sqrt(product);
  }
  const first = sqrtAlphasCumprod[0]!;
  const last = sqrtAlphasCumprod[count - 1]!;
  // Shift so that the last √ᾱ is 0, scale so that the first one keeps its value.
  const alphasBar = sqrtAlphasCumprod.map((value) => (((value - last) * first) / (first - last)) ** 2);
  // Back to β: α_t = ᾱ_t / ᾱ_{t−1} (α_0 = ᾱ_0).
  return alphasBar.map((alphaBar, t) => float32(1 - (t === 0 ? alphaBar : alphaBar / alphasBar[t - 1]!)));
}
