/**
 * The served model's scheduler: its `scheduler_config.json` when the folder has one, else diffusers'
 * `DDPMScheduler` defaults (what a diffusers pipeline would use for a bare UNet2DModel).
 */
import { createSchedule, type DiffusionSchedule, type ScheduleOptions } from '@diffuse/schedules';

/** diffusers' `DDPMScheduler()` defaults, as its `scheduler_config.json` would hold them. */
export const DEFAULT_SCHEDULER_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({
  _class_name: 'DDPMScheduler',
  num_train_timesteps: 1000,
  beta_schedule: 'linear',
  beta_start: 0.0001,
  beta_end: 0.02,
  prediction_type: 'epsilon',
  clip_sample: true,
  clip_sample_range: 1,
  timestep_spacing: 'leading',
});

/** The schedule fields of a diffusers scheduler config (snake_case), as `createSchedule` options. */
export function scheduleOptionsOf(config: Readonly<Record<string, unknown>>): ScheduleOptions {
  const options: ScheduleOptions = {};
  if (config.num_train_timesteps !== undefined) options.numTrainTimesteps = config.num_train_timesteps as number;
  if (config.beta_schedule !== undefined)
    options.betaSchedule = config.beta_schedule as ScheduleOptions['betaSchedule'];
  if (config.beta_start !== undefined) options.betaStart = config.beta_start as number;
  if (config.beta_end !== undefined) options.betaEnd = config.beta_end as number;
  if (config.trained_betas !== undefined) options.trainedBetas = config.trained_betas as number[] | null;
  if (config.rescale_betas_zero_snr !== undefined)
    options.rescaleBetasZeroSnr = config.rescale_betas_zero_snr as boolean;
  return options;
}

/** The schedule of a scheduler config (`createSchedule` validates every field). */
export function scheduleOf(config: Readonly<Record<string, unknown>>): DiffusionSchedule {
  return createSchedule(scheduleOptionsOf(config));
}
