/**
 * Draws samples from a loaded model with DDPM or DDIM, in batches (the counter-based generator makes
 * image i the same whatever the batch size), with a progress bar and, optionally, the frames of a
 * denoising strip (x_t and the predicted x₀ at evenly spaced steps).
 */
import { NoiseGenerator } from '@diffuse/core';
import { DDIMSampler, DDPMSampler, sample } from '@diffuse/samplers';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { ProgressBar, type ProgressStream } from '../cli/progress.js';
import type { StripFrame } from '../render/image-grid.js';
import type { LoadedDenoiser } from '../training/denoiser-folder.js';

/** The samplers `diffuse` offers. */
export const SAMPLER_NAMES = ['ddim', 'ddpm'] as const;
/** A sampler name. */
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Options of {@link generateSamples}. */
export interface GenerateOptions {
  model: LoadedDenoiser;
  sampler: SamplerName;
  /** Inference steps. */
  steps: number;
  /** DDIM's η (0: deterministic); must be 0 for DDPM. */
  eta: number;
  /** Number of samples. */
  count: number;
  seed: number;
  /** Samples per denoiser call. */
  batchSize: number;
  /** Progress bar on this stream (none when absent). */
  progress?: ProgressStream;
  /** Record a denoising strip of the first `samples` samples over `frames` evenly spaced steps. */
  strip?: { samples: number; frames: number };
}

/** Samples as a flat NHWC array, with what was recorded. */
export interface GeneratedSamples {
  data: Float32Array;
  shape: [number, number, number, number];
  seconds: number;
  /** Denoiser evaluations per second (images × steps / seconds). */
  imagesPerSecond: number;
  strip: StripFrame[] | undefined;
}

/** The step indices a strip of `frames` columns shows over `numSteps` steps (first and last included). */
export function stripStepIndices(numSteps: number, frames: number): number[] {
  if (frames <= 1) return [numSteps - 1];
  const indices = new Set<number>();
  for (let frame = 0; frame < frames; frame++) indices.add(Math.round((frame * (numSteps - 1)) / (frames - 1)));
  return [...indices].sort((a, b) => a - b);
}

/** Builds the named sampler from a model folder's scheduler config (diffusers' compatible schedulers). */
export function buildSampler(schedulerConfig: Record<string, unknown>, name: SamplerName): DDIMSampler | DDPMSampler {
  return name === 'ddim'
    ? DDIMSampler.fromConfig(schedulerConfig, { onUnknownKeys: 'ignore' })
    : DDPMSampler.fromConfig(schedulerConfig, { onUnknownKeys: 'ignore' });
}

async function firstItems(tensor: Tensor4D, count: number): Promise<Float32Array> {
  const head = tensor.slice([0, 0, 0, 0], [count, -1, -1, -1]);
  const data = (await head.data()) as Float32Array;
  head.dispose();
  return data;
}

/**
 * Runs the reverse process for `count` samples and returns them (values in the model's data range).
 *
 * @example
 * const result = await generateSamples({ model, sampler: 'ddim', steps: 50, eta: 0, count: 64, seed: 1, batchSize: 64 });
 */
export async function generateSamples(options: GenerateOptions): Promise<GeneratedSamples> {
  const { model, count, steps, batchSize } = options;
  const [height, width, channels] = model.sampleShape;
  const sampler = buildSampler(model.schedulerConfig, options.sampler);
  const generator = new NoiseGenerator(options.seed);
  const batches = Math.ceil(count / batchSize);
  const bar = options.progress
    ? new ProgressBar({ label: 'sample', total: batches * steps, unit: 'step', stream: options.progress })
    : undefined;
  const data = new Float32Array(count * height * width * channels);
  const stripSamples = Math.min(options.strip?.samples ?? 0, count, batchSize);
  const stripIndices = new Set(options.strip ? stripStepIndices(steps, options.strip.frames) : []);
  const strip: StripFrame[] = [];
  const started = performance.now();
  for (let batch = 0; batch < batches; batch++) {
    const firstSample = batch * batchSize;
    const size = Math.min(batchSize, count - firstSample);
    const result = await sample({
      denoiser: model.denoiser,
      sampler,
      shape: [size, height, width, channels],
      generator,
      firstSample,
      numInferenceSteps: steps,
      ...(options.sampler === 'ddim' ? { eta: options.eta } : {}),
      onStep: async ({ stepIndex, sample: current, predOriginalSample }) => {
        bar?.update(batch * steps + stepIndex + 1);
        if (batch === 0 && stripSamples > 0 && stripIndices.has(stepIndex) && predOriginalSample) {
          strip.push({
            sample: await firstItems(current, stripSamples),
            predOriginal: await firstItems(predOriginalSample, stripSamples),
          });
        }
      },
    });
    data.set((await result.data()) as Float32Array, firstSample * height * width * channels);
    result.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  bar?.finish();
  return {
    data,
    shape: [count, height, width, channels],
    seconds,
    imagesPerSecond: (count * steps) / Math.max(seconds, 1e-9),
    strip: options.strip ? strip : undefined,
  };
}
