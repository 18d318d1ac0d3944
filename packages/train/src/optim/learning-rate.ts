/**
 * Learning-rate schedules: linear warmup followed by constant, linear or cosine decay. Plain numbers,
 * like diffusers' `get_scheduler` (`constant_with_warmup`, `linear`, `cosine` with `num_cycles = 0.5`).
 */
import { requireFinite, requireInRange, requireInteger, requireOneOf, ValueError } from '@diffuse/core';

/** How the learning rate decays after warmup. */
export type LearningRateDecay = 'constant' | 'linear' | 'cosine';

/** Options of {@link learningRateAt}. */
export interface LearningRateScheduleOptions {
  /** Peak learning rate, reached at the end of warmup. */
  learningRate: number;
  /** Steps of linear warmup from 0 (default 0: start at the peak). */
  warmupSteps?: number;
  /** Decay after warmup (default `constant`). */
  decay?: LearningRateDecay;
  /** Total optimiser steps, needed by `linear` and `cosine`: the decay reaches its floor here. */
  totalSteps?: number;
  /** Floor of the decay as a fraction of the peak (default 0, as in diffusers). */
  minLearningRateRatio?: number;
}

/**
 * The learning rate of optimiser step `step` (0-based; the first update uses step 0).
 *
 * - warmup (`step < warmupSteps`): `learningRate · (step + 1) / warmupSteps`, so the peak is reached at
 *   the last warmup step. (diffusers uses `step / warmupSteps`, which makes the first update a no-op.)
 * - then, with `progress = (step − warmupSteps) / (totalSteps − warmupSteps)` clamped to [0, 1]:
 *   `constant`: 1; `linear`: 1 − progress; `cosine`: ½(1 + cos(π·progress)) (Loshchilov & Hutter's
 *   SGDR without restarts), each mapped onto [minLearningRateRatio, 1].
 *
 * @example
 * learningRateAt(0, { learningRate: 1e-3, warmupSteps: 10 }); // 1e-4
 * learningRateAt(505, { learningRate: 1e-3, warmupSteps: 10, decay: 'cosine', totalSteps: 1000 }); // 5e-4
 */
export function learningRateAt(step: number, options: LearningRateScheduleOptions): number {
  requireInteger('step', step, { min: 0 });
  const schedule = validateLearningRateSchedule(options);
  const { learningRate, warmupSteps, decay, totalSteps, minLearningRateRatio } = schedule;
  if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
  if (decay === 'constant') return learningRate;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  const factor = decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return learningRate * (minLearningRateRatio + (1 - minLearningRateRatio) * factor);
}

/** A schedule with every default filled in. */
export type ResolvedLearningRateSchedule = Required<LearningRateScheduleOptions>;

/**
 * Checks a schedule and fills its defaults; throws `ValueError`/`ConfigError` naming the bad field.
 *
 * @example
 * validateLearningRateSchedule({ learningRate: 1e-3 }); // { warmupSteps: 0, decay: 'constant', … }
 */
export function validateLearningRateSchedule(options: LearningRateScheduleOptions): ResolvedLearningRateSchedule {
  const learningRate = requireFinite('learningRate', options.learningRate);
  if (learningRate < 0)
    throw new ValueError({ argument: 'learningRate', expected: 'a number ≥ 0', received: learningRate });
  const warmupSteps = requireInteger('warmupSteps', options.warmupSteps ?? 0, { min: 0 });
  const decay = requireOneOf('decay', options.decay ?? 'constant', ['constant', 'linear', 'cosine'] as const);
  const totalSteps =
    decay === 'constant'
      ? (options.totalSteps ?? 0)
      : requireInteger('totalSteps', options.totalSteps, { min: warmupSteps + 1 });
  const minLearningRateRatio = requireInRange('minLearningRateRatio', options.minLearningRateRatio ?? 0, 0, 1);
  return { learningRate, warmupSteps, decay, totalSteps, minLearningRateRatio };
}
