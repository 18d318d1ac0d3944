/**
 * The sampling pipeline the page runs, free of DOM code so that the tests run the very same function in
 * Node (wasm) and compare numbers with the page (WebGPU): a sampler built from the model's scheduler
 * config, seeded counter-based noise (`NoiseGenerator`: the same numbers on every backend), and
 * `@diffuse/samplers`' reverse loop with a per-step report.
 */
import type { Denoiser, Sampler } from '@diffuse/core';
import { NoiseGenerator } from '@diffuse/core';
import { sample } from '@diffuse/samplers';
import { createSampler } from './samplers.js';
import type { SamplingSettings } from './sampling-settings.js';

/** Height, width and channels of the model's images. */
export interface SampleFormat {
  height: number;
  width: number;
  channels: number;
}

/** The image format of a diffusers UNet2DModel config (`sampleSize` null: 32, diffusers' default use). */
export function sampleFormatOf(config: {
  sampleSize: number | readonly [number, number] | null;
  inChannels: number;
}): SampleFormat {
  const { sampleSize, inChannels } = config;
  const [height, width] = Array.isArray(sampleSize) ? sampleSize : [sampleSize ?? 32, sampleSize ?? 32];
  return { height: height as number, width: width as number, channels: inChannels };
}

/** What one reverse step produced, read back from the device. */
export interface SamplingStep {
  /** 0-based index of the step. */
  index: number;
  /** Number of steps of the run. */
  count: number;
  timestep: number;
  /** x_{t−1} after this step, NHWC. */
  sample: Float32Array;
  /** The sampler's x₀ estimate at this step (undefined when it computes none). */
  predictedOriginal: Float32Array | undefined;
  /** Wall time of the step, model evaluation to values on the CPU. */
  milliseconds: number;
}

/** A finished run. */
export interface SamplingResult {
  settings: SamplingSettings;
  shape: [number, number, number, number];
  timesteps: number[];
  /** The final sample x₀, NHWC, values in about [−1, 1]. */
  sample: Float32Array;
  /** Wall time of each step. */
  stepMilliseconds: number[];
}

/** Inputs of {@link runSampling}. */
export interface RunSamplingOptions {
  model: Denoiser;
  /** diffusers `scheduler_config.json` (snake_case) the sampler is built from. */
  schedulerConfig: Readonly<Record<string, unknown>>;
  format: SampleFormat;
  settings: SamplingSettings;
  /** Called after each step (the page draws x_t and x₀ here). */
  onStep?: (step: SamplingStep) => void | Promise<void>;
  /** Cancels the run between steps (`runSampling` then rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number;
}

/**
 * Samples `settings.batchSize` images with `@diffuse/samplers`' `sample()` loop, reading x_t and the
 * predicted x₀ back after every step (for display, and so that each step's time is real compute time on
 * asynchronous backends). Every tensor is disposed before it returns; the result is plain numbers. An
 * abort rejects with the signal's reason.
 *
 * @example
 * const result = await runSampling({ model, schedulerConfig, format: { height: 28, width: 28, channels: 1 },
 *   settings: { sampler: 'ddim', numInferenceSteps: 25, eta: 0, seed: 0, batchSize: 8 } });
 */
export async function runSampling(options: RunSamplingOptions): Promise<SamplingResult> {
  const { model, format, settings, onStep } = options;
  const now = options.now ?? (() => performance.now());
  const sampler: Sampler = createSampler(settings.sampler, options.schedulerConfig);
  const shape: [number, number, number, number] = [settings.batchSize, format.height, format.width, format.channels];
  const stepMilliseconds: number[] = [];
  let stepStart = now();
  const result = await sample({
    denoiser: model,
    sampler,
    shape,
    numInferenceSteps: settings.numInferenceSteps,
    generator: new NoiseGenerator(settings.seed),
    ...(settings.sampler === 'ddim' ? { eta: settings.eta } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onStep: async (progress) => {
      const [values, predicted] = await Promise.all([
        progress.prevSample.data() as Promise<Float32Array>,
        progress.predOriginalSample?.data() as Promise<Float32Array> | undefined,
      ]);
      const milliseconds = now() - stepStart;
      stepMilliseconds.push(milliseconds);
      await onStep?.({
        index: progress.stepIndex,
        count: progress.numSteps,
        timestep: progress.timestep,
        sample: values,
        predictedOriginal: predicted,
        milliseconds,
      });
      stepStart = now();
    },
  });
  try {
    return {
      settings,
      shape,
      timesteps: [...sampler.timesteps],
      sample: (await result.data()) as Float32Array,
      stepMilliseconds,
    };
  } finally {
    result.dispose();
  }
}
