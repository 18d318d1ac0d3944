/**
 * Test helper: the diffusers golden numbers of `fixtures/schedulers.json` (see fixtures/README.md),
 * typed, with non-finite strings decoded. Shared by the schedules, forward and samplers tests.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** A tensor as the fixtures store it: NHWC shape and flat row-major float32 values. */
export interface GoldenTensor {
  shape: [number, number, number, number];
  data: number[];
}

export type DiffusersConfig = Record<string, unknown>;

export interface ScheduleCase {
  id: string;
  config: DiffusersConfig;
  supported_by: { DDPM: boolean; DDIM: boolean };
  betas: number[];
  alphas_cumprod: number[];
}

export interface TimestepsCase {
  id: string;
  scheduler: 'DDPM' | 'DDIM';
  config: DiffusersConfig;
  num_inference_steps: number | null;
  custom_timesteps?: number[];
  timesteps?: number[];
  prev_timesteps?: number[];
  error?: string;
}

export interface StepRecord {
  step_index: number;
  timestep: number;
  prev_timestep: number;
  prev_timestep_schedule_following?: number;
  sample: GoldenTensor;
  model_output: GoldenTensor;
  variance_noise: GoldenTensor | null;
  variance_noise_used: boolean;
  prev_sample: GoldenTensor;
  pred_original_sample: GoldenTensor;
  prev_differs?: boolean;
  prev_sample_schedule_following?: GoldenTensor;
  pred_original_sample_schedule_following?: GoldenTensor;
}

export interface StepsCase {
  id: string;
  scheduler: 'DDPM' | 'DDIM';
  config: DiffusersConfig;
  resolved_config: DiffusersConfig;
  num_inference_steps: number | null;
  custom_timesteps?: number[] | null;
  timesteps: number[] | null;
  step_kwargs?: { eta: number; use_clipped_model_output: boolean };
  any_prev_differs?: boolean;
  note?: string;
  records: StepRecord[];
}

export interface ForwardCase {
  id: string;
  config: DiffusersConfig;
  timesteps: number[];
  original_samples?: GoldenTensor;
  sample?: GoldenTensor;
  noise: GoldenTensor;
  noisy_samples?: GoldenTensor;
  velocity?: GoldenTensor;
}

export interface VarianceCase {
  scheduler: 'DDPM' | 'DDIM';
  config: DiffusersConfig;
  t: number;
  prev_t: number;
  variance: number;
  diffusers_expected: number | null;
}

export interface FullLoopCase {
  id: string;
  scheduler: 'DDPM' | 'DDIM';
  config: DiffusersConfig;
  resolved_config: DiffusersConfig;
  num_inference_steps: number;
  eta?: number;
  timesteps: number[];
  loop_timesteps?: number[];
  initial_sample: GoldenTensor;
  add_noise?: { noise: GoldenTensor; timesteps: number[]; noisy_sample: GoldenTensor };
  variance_noise_per_step?: (GoldenTensor | null)[];
  final_sample: GoldenTensor;
  sum_abs: number;
  mean_abs: number;
  diffusers_expected: { sum_abs: number; mean_abs: number } | null;
}

export interface Golden {
  meta: { diffusers_commit: string; beta_schedules_supported: Record<'DDPM' | 'DDIM', string[]> };
  schedules: ScheduleCase[];
  timesteps: TimestepsCase[];
  steps: StepsCase[];
  add_noise: ForwardCase[];
  get_velocity: ForwardCase[];
  variances: VarianceCase[];
  full_loops: FullLoopCase[];
}

const nonFinite: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': -1 / 0 };

let cache: Golden | undefined;

/**
 * The parsed fixture (read once per test file). Numbers are the shortest decimals of float32 values:
 * `Math.fround(x)` is the float32 itself.
 */
export function golden(): Golden {
  cache ??= JSON.parse(
    readFileSync(new URL('./fixtures/schedulers.json', import.meta.url), 'utf8'),
    (key, value: unknown) =>
      typeof value === 'string' && key !== 'id' && value in nonFinite ? nonFinite[value] : value,
  ) as Golden;
  return cache;
}

/**
 * Expects `actual` to equal `expected` elementwise within `atol + rtol·|expected|` (NaN equals NaN,
 * ±∞ equals itself), reporting the worst element.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: { atol: number; rtol: number; label?: string },
): void {
  expect(actual.length, `${tolerance.label ?? ''} length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e) continue;
    const excess = Math.abs(a - e) - (tolerance.atol + tolerance.rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${tolerance.label ?? 'values'}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(atol ${tolerance.atol}, rtol ${tolerance.rtol})`,
    );
  }
}
