/**
 * @diffuse/schedules — noise schedules as plain numbers (no tensors): β schedules, α, ᾱ, σ, SNR,
 * log-SNR, zero-terminal-SNR rescaling and inference timestep spacings, equal to diffusers'.
 */
export {
  BETA_SCHEDULES,
  type BetaScheduleName,
  betasFor,
  betasForAlphaBar,
  cosineAlphaBar,
  laplaceAlphaBar,
  rescaleZeroTerminalSnr,
} from './beta-schedules.js';
export { createSchedule, type DiffusionSchedule, type ScheduleOptions, scheduleFromBetas } from './schedule.js';
export {
  customTimesteps,
  type SpacedTimestepsOptions,
  spacedTimesteps,
  TIMESTEP_SPACINGS,
  type TimestepSpacing,
} from './timesteps.js';
