/**
 * Inference timesteps: which of the `numTrainTimesteps` training timesteps a sampler visits, in
 * descending order. Spacings follow Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps
 * are Flawed", Table 2, computed exactly as diffusers' `set_timesteps` computes them (NumPy float64 and
 * round-half-to-even included), so the integers are equal to diffusers'.
 */
import { requireInteger, requireOneOf, ValueError } from '@diffuse/core';
import { roundHalfToEven } from './float32.js';

/** How `numInferenceSteps` timesteps are spread over `[0, numTrainTimesteps)`. */
export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;

/** A timestep spacing (see {@link TIMESTEP_SPACINGS}). */
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

/** Options of {@link spacedTimesteps}. */
export interface SpacedTimestepsOptions {
  numTrainTimesteps: number;
  numInferenceSteps: number;
  /**
   * - `leading` (default, DDPM/DDIM papers): `i · ⌊T/n⌋ + stepsOffset`, so 1000/10 → 900 … 0.
   * - `trailing`: `round(T − i · T/n) − 1`, starting at T − 1: 999, 899, … 99. Always n of them (for some n,
   *   diffusers' NumPy arange adds an (n + 1)-th, −1).
   * - `linspace`: `round(linspace(0, T − 1, n))`: 999, 888, … 0.
   */
  timestepSpacing?: TimestepSpacing;
  /** Added to `leading` timesteps (Stable Diffusion uses 1). Default 0. */
  stepsOffset?: number;
}

/**
 * The descending timesteps of a spacing.
 *
 * @example
 * spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 5, stepsOffset: 1 }); // [801, 601, 401, 201, 1]
 */
export function spacedTimesteps(options: SpacedTimestepsOptions): number[] {
  const total = requireInteger('numTrainTimesteps', options.numTrainTimesteps, { min: 1 });
  const count = requireInteger('numInferenceSteps', options.numInferenceSteps, { min: 1 });
  if (count > total) {
    throw new ValueError({
      argument: 'numInferenceSteps',
      expected: `an integer ≤ numTrainTimesteps (${total})`,
      received: count,
      hint: `\`numInferenceSteps\` (${count}) cannot exceed \`numTrainTimesteps\` (${total}): the model was trained on ${total} timesteps`,
    });
  }
  const spacing = requireOneOf('timestepSpacing', options.timestepSpacing ?? 'leading', TIMESTEP_SPACINGS);
  const offset = requireInteger('stepsOffset', options.stepsOffset ?? 0, { min: 0 });
  let timesteps: number[];
  if (spacing === 'leading') {
    const ratio = Math.floor(total / count);
    timesteps = Array.from({ length: count }, (_, i) => (count - 1 - i) * ratio + offset);
  } else if (spacing === 'trailing') {
    // NumPy's arange has one element too many when T/(T/n) rounds above n (T = 1000: n = 61, 103, 121, …);
    // diffusers then ends on timestep −1 (read as ᾱ_{T−1} by Python's negative indexing). We keep n.
    timesteps = numpyArange(total, 0, -total / count)
      .slice(0, count)
      .map((t) => roundHalfToEven(t) - 1);
  } else {
    // numpy.linspace(0, T − 1, n): i · step, the last one exactly T − 1 (n = 1 gives [0]).
    const step = count > 1 ? (total - 1) / (count - 1) : 0;
    timesteps = Array.from({ length: count }, (_, i) =>
      count > 1 && i === count - 1 ? total - 1 : roundHalfToEven(i * step),
    ).reverse();
  }
  const outside = timesteps.find((t) => t < 0 || t >= total);
  if (outside !== undefined) {
    throw new ValueError({
      argument: 'stepsOffset',
      expected: `timesteps in [0, ${total - 1}]`,
      received: outside,
      hint: `\`stepsOffset\` (${offset}) pushes a ${spacing} timestep past the ${total} training timesteps (diffusers accepts it and fails in \`step\`)`,
    });
  }
  return timesteps;
}

/**
 * `numpy.arange(start, stop, step)` for floats: length ⌈(stop − start)/step⌉, element i = start + i·d
 * with d = (start + step) − start (NumPy's fill rule, which can differ from `step` in the last bit).
 */
function numpyArange(start: number, stop: number, step: number): number[] {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const delta = start + step - start;
  return Array.from({ length }, (_, i) => (i === 0 ? start : i === 1 ? start + step : start + i * delta));
}

/**
 * Validates a custom list of timesteps: integers, strictly descending, within `[0, numTrainTimesteps)`.
 * Returns a copy.
 *
 * @example
 * customTimesteps({ numTrainTimesteps: 1000, timesteps: [999, 500, 0] }); // [999, 500, 0]
 */
export function customTimesteps(options: { numTrainTimesteps: number; timesteps: readonly number[] }): number[] {
  const total = requireInteger('numTrainTimesteps', options.numTrainTimesteps, { min: 1 });
  const { timesteps } = options;
  if (!Array.isArray(timesteps) || timesteps.length === 0) {
    throw new ValueError({ argument: 'timesteps', expected: 'a non-empty array of integers', received: timesteps });
  }
  timesteps.forEach((t, i) => {
    requireInteger(`timesteps[${i}]`, t, { min: 0, max: total - 1 });
    if (i > 0 && t >= timesteps[i - 1]!) {
      throw new ValueError({
        argument: 'timesteps',
        expected: 'strictly descending integers',
        received: timesteps,
        hint: `timesteps[${i}] (${t}) is not below timesteps[${i - 1}] (${timesteps[i - 1]})`,
      });
    }
  });
  return [...timesteps];
}
