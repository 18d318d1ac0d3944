/**
 * `runTraining`: the loop around {@link Trainer.trainStep} with metrics and periodic hooks (sample
 * grids, checkpoints). Reads the loss from the device only on steps whose metrics are reported, so the
 * same code runs on async backends (WebGPU) without stalling every step.
 */
import { requireInteger } from '@diffuse/core';
import { memory } from '@tensorflow/tfjs-core';
import type { Trainer } from './trainer.js';

/** Metrics of one reported step. */
export interface StepMetrics {
  /** Steps completed. */
  step: number;
  /** Mean loss of this step. */
  loss: number;
  learningRate: number;
  /** Global gradient norm before clipping (when clipping is on). */
  gradientNorm?: number;
  /** EMA decay used at this step (when EMA is on). */
  emaDecay?: number;
  /** Examples per second since the previous report. */
  examplesPerSecond: number;
  /** Optimiser steps per second since the previous report. */
  stepsPerSecond: number;
  /** Seconds since `runTraining` started. */
  elapsedSeconds: number;
  /** `tf.memory()`: live tensors and bytes. */
  memory: { numTensors: number; numBytes: number };
}

/** A hook run every `every` steps (after the step), e.g. to render a sample grid or save a checkpoint. */
export interface PeriodicHook {
  every: number;
  run(context: { step: number; trainer: Trainer }): void | Promise<void>;
}

/** Options of {@link runTraining}. */
export interface RunTrainingOptions {
  trainer: Trainer;
  /** Train until `trainer.step` reaches this (so a resumed run continues to the same end). */
  untilStep: number;
  /** Report metrics every this many steps (default 10; the last step is always reported). */
  metricsEvery?: number;
  onMetrics?: (metrics: StepMetrics) => void | Promise<void>;
  hooks?: readonly PeriodicHook[];
  /** Stops after the current step when aborted. */
  signal?: AbortSignal;
  /** Clock in milliseconds (default `performance.now`), injectable for tests. */
  now?: () => number;
}

/**
 * Trains until `untilStep`, reporting metrics and running hooks. Returns the metrics of the last step.
 *
 * @example
 * await runTraining({
 *   trainer, untilStep: 3000, metricsEvery: 50,
 *   onMetrics: (m) => console.log(m.step, m.loss.toFixed(4)),
 *   hooks: [{ every: 500, run: ({ step }) => console.log('sample grid at', step) }],
 * });
 */
export async function runTraining(options: RunTrainingOptions): Promise<StepMetrics | undefined> {
  const { trainer, onMetrics, hooks = [], signal } = options;
  const untilStep = requireInteger('untilStep', options.untilStep, { min: 0 });
  const metricsEvery = requireInteger('metricsEvery', options.metricsEvery ?? 10, { min: 1 });
  for (const [index, hook] of hooks.entries()) requireInteger(`hooks[${index}].every`, hook.every, { min: 1 });
  const now = options.now ?? (() => performance.now());
  const examplesPerStep = trainer.options.batchSize * (trainer.options.gradientAccumulationSteps ?? 1);
  const startTime = now();
  let lastReportTime = startTime;
  let lastReportStep = trainer.step;
  let lastMetrics: StepMetrics | undefined;
  while (trainer.step < untilStep && !signal?.aborted) {
    const result = await trainer.trainStep();
    try {
      if (result.step % metricsEvery === 0 || result.step === untilStep) {
        const [loss] = await result.loss.data();
        const gradientNorm = result.gradientNorm ? (await result.gradientNorm.data())[0] : undefined;
        const time = now();
        const seconds = Math.max(1e-9, (time - lastReportTime) / 1000);
        const steps = result.step - lastReportStep;
        lastMetrics = {
          step: result.step,
          loss: loss!,
          learningRate: result.learningRate,
          ...(gradientNorm === undefined ? {} : { gradientNorm }),
          ...(result.emaDecay === undefined ? {} : { emaDecay: result.emaDecay }),
          examplesPerSecond: (steps * examplesPerStep) / seconds,
          stepsPerSecond: steps / seconds,
          elapsedSeconds: (time - startTime) / 1000,
          memory: { numTensors: memory().numTensors, numBytes: memory().numBytes },
        };
        lastReportTime = time;
        lastReportStep = result.step;
        await onMetrics?.(lastMetrics);
      }
    } finally {
      result.loss.dispose();
      result.gradientNorm?.dispose();
    }
    for (const hook of hooks) {
      if (result.step % hook.every === 0) await hook.run({ step: result.step, trainer });
    }
  }
  return lastMetrics;
}
