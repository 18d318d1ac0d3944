/**
 * The options every diffusers-style sampler shares (the schedule, the timestep spacing and the x₀
 * post-processing), their validation, and reading them from a `scheduler_config.json`.
 */
import type { PredictionType, UnknownKeyPolicy } from '@diffuse/core';
import {
  ConfigError,
  readDiffusersConfig,
  requireBoolean,
  requireInRange,
  requireInteger,
  requireOneOf,
  requirePositive,
} from '@diffuse/core';
import { PREDICTION_TYPES } from '@diffuse/forward';
import { type ScheduleOptions, TIMESTEP_SPACINGS, type TimestepSpacing } from '@diffuse/schedules';

/** Options shared by DDPM and DDIM (diffusers' names, camelCase; snake_case in JSON). */
export interface CommonSamplerOptions extends ScheduleOptions {
  /** What the model predicts: `epsilon` (default), `sample` (x₀) or `v_prediction`. */
  predictionType?: PredictionType;
  /** Clip the predicted x₀ to [−clipSampleRange, clipSampleRange]. Default true. */
  clipSample?: boolean;
  /** Default 1. */
  clipSampleRange?: number;
  /** Dynamic thresholding of x₀ (Saharia et al. 2022, Imagen §2.3); wins over `clipSample`. Default false. */
  thresholding?: boolean;
  /** The quantile of |x₀| that sets the threshold s. Default 0.995. */
  dynamicThresholdingRatio?: number;
  /** The largest threshold s. Default 1. */
  sampleMaxValue?: number;
  /** `leading` (default), `trailing` or `linspace`: see `spacedTimesteps` in @diffuse/schedules. */
  timestepSpacing?: TimestepSpacing;
  /** Added to `leading` timesteps. Default 0. */
  stepsOffset?: number;
}

/** Options with every default filled in; `trainedBetas` is `null` when absent (as diffusers writes it). */
export type Resolved<Options> = {
  [K in keyof Options]-?: K extends 'trainedBetas' ? number[] | null : Exclude<Options[K], undefined>;
};

/** Options of `fromConfig` / `samplerFromConfig`. */
export interface FromConfigOptions {
  /** Keys no @diffuse sampler knows: `warn` (default, like diffusers), `error`, or `ignore`. */
  onUnknownKeys?: UnknownKeyPolicy;
}

/**
 * The camelCase keys of every sampler here. Keys of another sampler are accepted silently, so that a
 * DDPM config can build a DDIM sampler (diffusers' "compatible schedulers").
 */
const ALL_SAMPLER_KEYS = [
  'numTrainTimesteps',
  'betaStart',
  'betaEnd',
  'betaSchedule',
  'trainedBetas',
  'rescaleBetasZeroSnr',
  'predictionType',
  'clipSample',
  'clipSampleRange',
  'thresholding',
  'dynamicThresholdingRatio',
  'sampleMaxValue',
  'timestepSpacing',
  'stepsOffset',
  'varianceType',
  'setAlphaToOne',
] as const;

/**
 * Reads a diffusers `scheduler_config.json` (snake_case or camelCase) into the options of a sampler whose
 * defaults are `defaults`: its own keys are kept, other samplers' keys dropped, unknown keys reported.
 */
export function readSamplerConfig<Options extends object>(
  json: unknown,
  defaults: Options,
  options: FromConfigOptions = {},
): Partial<Options> {
  const { config } = readDiffusersConfig<Record<string, unknown>>({
    json,
    knownKeys: ALL_SAMPLER_KEYS,
    argument: 'config',
    onUnknownKeys: options.onUnknownKeys ?? 'warn',
  });
  return Object.fromEntries(Object.entries(config).filter(([key]) => key in defaults)) as Partial<Options>;
}

/**
 * Fills in `defaults` (whose key order is diffusers' order, kept in the written config) and validates
 * the shared options other than the schedule's (`createSchedule` validates those). Sampler-specific
 * keys are validated by the sampler.
 */
export function resolveCommonOptions<Options extends CommonSamplerOptions>(
  options: Options,
  defaults: Resolved<Options>,
): Resolved<Options> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(defaults, key)) {
      throw new ConfigError({
        argument: key,
        expected: `an option of this sampler (${Object.keys(defaults).join(', ')})`,
        received: value,
        hint: 'A scheduler_config.json with other samplers’ keys goes through `fromConfig`, which drops them',
      });
    }
    merged[key] = value;
  }
  requireOneOf('predictionType', merged.predictionType, PREDICTION_TYPES);
  requireBoolean('clipSample', merged.clipSample);
  requirePositive('clipSampleRange', merged.clipSampleRange);
  requireBoolean('thresholding', merged.thresholding);
  requireInRange('dynamicThresholdingRatio', merged.dynamicThresholdingRatio, 0, 1);
  requirePositive('sampleMaxValue', merged.sampleMaxValue);
  requireOneOf('timestepSpacing', merged.timestepSpacing, TIMESTEP_SPACINGS);
  requireInteger('stepsOffset', merged.stepsOffset, { min: 0 });
  if (merged.trainedBetas !== null) merged.trainedBetas = Array.from(merged.trainedBetas as ArrayLike<number>);
  return merged as Resolved<Options>;
}
