/**
 * @diffuse/samplers/testing — the conformance suite every sampler runs (this package's and future
 * ones: Euler, DPM-Solver, …), and a mock denoiser for tests without a network. Needs vitest.
 *
 * @example
 * import { describeBackends } from '@diffuse/backends/testing';
 * import { DDIMSampler } from '@diffuse/samplers';
 * import { describeSampler } from '@diffuse/samplers/testing';
 *
 * describeBackends('DDIMSampler', () => {
 *   describeSampler({
 *     create: (options) => new DDIMSampler(options),
 *     fromConfig: (json) => DDIMSampler.fromConfig(json),
 *     stochasticStepOptions: { eta: 1 },
 *   });
 * });
 */
import type { Denoiser, DenoiserInput, Sampler, SamplerStepOptions } from '@diffuse/core';
import {
  ConfigError,
  expectNoTensorLeak,
  liveTensorCount,
  NoiseGenerator,
  ShapeError,
  StateError,
  ValueError,
} from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sample } from './sample.js';

/**
 * diffusers' test model: output = x·t/(t + 1) (`dummy_model` in diffusers' scheduler tests). With
 * `learnedVariance`, the output has twice the channels, the second half zeros.
 *
 * @example
 * const denoiser = createMockDenoiser();
 * const x0 = await sample({ denoiser, sampler, shape: [1, 8, 8, 3], numInferenceSteps: 10 });
 */
export function createMockDenoiser(options: { learnedVariance?: boolean } = {}): Denoiser {
  return {
    predict({ sample: x, timestep }: DenoiserInput): tf.Tensor4D {
      return tf.tidy(() => {
        // One timestep for the batch, or one per item (numbers or a 1-D tensor).
        const perItem = (values: tf.Tensor) => values.toFloat().reshape([-1, 1, 1, 1]);
        const t =
          typeof timestep === 'number'
            ? tf.scalar(timestep)
            : perItem(Array.isArray(timestep) ? tf.tensor1d(timestep as number[]) : (timestep as tf.Tensor1D));
        const output = x.mul(t.div(t.add(1))) as tf.Tensor4D;
        return options.learnedVariance ? tf.concat([output, tf.zerosLike(output)], 3) : output;
      });
    },
  };
}

/** A sampler under test: the core contract plus diffusers' `addNoise` / `getVelocity`. */
export interface ConformingSampler extends Sampler {
  addNoise(original: tf.Tensor4D, noise: tf.Tensor4D, timesteps: number[] | tf.Tensor1D): tf.Tensor4D;
  getVelocity(sample: tf.Tensor4D, noise: tf.Tensor4D, timesteps: number[] | tf.Tensor1D): tf.Tensor4D;
}

/** Options of {@link describeSampler}. */
export interface DescribeSamplerOptions {
  /** Suite name. Default "sampler conformance". */
  name?: string;
  /** A new sampler from camelCase options (`{}`: defaults). */
  create: (options: Record<string, unknown>) => ConformingSampler;
  /** The class's `fromConfig`. */
  fromConfig: (json: unknown) => ConformingSampler;
  /** Options to build samplers with; each must round-trip. Default `[{}]`. */
  configs?: Record<string, unknown>[];
  /** Step options under which a step is stochastic (e.g. `{ eta: 1 }` for DDIM). Default `{}`. */
  stochasticStepOptions?: SamplerStepOptions;
  /** Sample shape [B, H, W, C] (B ≥ 2). Default [2, 4, 4, 3]. */
  shape?: [number, number, number, number];
  /** Model output channels per sample channel (2 for learned variances). Default 1. */
  outputChannelsFactor?: number;
}

/**
 * The shared sampler conformance suite, run on the active tfjs backend (wrap it in
 * `describeBackends` for all): config round-trip, timesteps, step shape, determinism with injected
 * noise, batch-independent seeded noise, no tensor leaks (steps and the `sample()` loop), cancellation,
 * and typed errors.
 */
export function describeSampler(options: DescribeSamplerOptions): void {
  const { create, fromConfig } = options;
  const [batch, height, width, channels] = options.shape ?? [2, 4, 4, 3];
  const stochastic = options.stochasticStepOptions ?? {};
  const factor = options.outputChannelsFactor ?? 1;
  const values = (seed: number, count: number) => Array.from({ length: count }, (_, i) => Math.sin(seed + i * 0.37));
  const inputs = () => ({
    x: tf.tensor4d(values(1, batch * height * width * channels), [batch, height, width, channels]),
    modelOutput: tf.tensor4d(values(2, batch * height * width * channels * factor), [
      batch,
      height,
      width,
      channels * factor,
    ]),
    noise: tf.tensor4d(values(3, batch * height * width * channels), [batch, height, width, channels]),
  });
  const ready = (sampler: ConformingSampler) => {
    sampler.setTimesteps(10);
    return sampler;
  };

  describe(options.name ?? 'sampler conformance', () => {
    it('round-trips its config through JSON and fromConfig', () => {
      for (const config of options.configs ?? [{}]) {
        const sampler = create(config);
        const json = JSON.parse(JSON.stringify(sampler.config));
        expect(typeof json._class_name).toBe('string');
        for (const key of Object.keys(json)) expect(key).toMatch(/^_?[a-z0-9]+(_[a-z0-9]+)*$/);
        const copy = fromConfig(json);
        expect(copy.config).toEqual(sampler.config);
        expect(Array.from(copy.schedule.alphasCumprod)).toEqual(Array.from(sampler.schedule.alphasCumprod));
        copy.setTimesteps(7);
        sampler.setTimesteps(7);
        expect(copy.timesteps).toEqual(sampler.timesteps);
      }
    });

    it('sets descending integer timesteps, spaced or custom', () => {
      const sampler = create({});
      const total = sampler.schedule.numTrainTimesteps;
      expect(sampler.schedule.alphasCumprod).toHaveLength(total);
      sampler.setTimesteps(10);
      expect(sampler.timesteps).toHaveLength(10);
      sampler.timesteps.forEach((t, i) => {
        expect(Number.isInteger(t) && t >= 0 && t < total).toBe(true);
        if (i > 0) expect(t).toBeLessThan(sampler.timesteps[i - 1]!);
      });
      sampler.setTimesteps({ timesteps: [total - 1, Math.floor(total / 2), 0] });
      expect(sampler.timesteps).toEqual([total - 1, Math.floor(total / 2), 0]);
    });

    it('steps to tensors of the sample’s shape, without leaking', async () => {
      const sampler = ready(create({}));
      const { x, modelOutput, noise } = inputs();
      await expectNoTensorLeak(async () => {
        for (const t of sampler.timesteps) {
          const scaled = sampler.scaleModelInput(x, t);
          expect(scaled.shape).toEqual(x.shape);
          const { prevSample, predOriginalSample } = sampler.step(modelOutput, t, x, { ...stochastic, noise });
          expect(prevSample.shape).toEqual(x.shape);
          expect(prevSample.dtype).toBe('float32');
          if (predOriginalSample) expect(predOriginalSample.shape).toEqual(x.shape);
          for (const value of await prevSample.data()) expect(Number.isFinite(value)).toBe(true);
          tf.dispose([scaled, prevSample, predOriginalSample!].filter(Boolean));
        }
      });
      tf.dispose([x, modelOutput, noise]);
    });

    it('is deterministic with injected noise, and the noise is used', async () => {
      const { x, modelOutput, noise } = inputs();
      const t = ready(create({})).timesteps[0]!;
      const run = async (n: tf.Tensor4D) => {
        const { prevSample, predOriginalSample } = ready(create({})).step(modelOutput, t, x, {
          ...stochastic,
          noise: n,
        });
        const data = Array.from(await prevSample.data());
        tf.dispose([prevSample, predOriginalSample!].filter(Boolean));
        return data;
      };
      const other = noise.neg() as tf.Tensor4D;
      expect(await run(noise)).toEqual(await run(noise));
      expect(await run(other)).not.toEqual(await run(noise));
      tf.dispose([x, modelOutput, noise, other]);
    });

    it('draws batch-independent noise from a seeded generator', async () => {
      const sampler = ready(create({}));
      const { x, modelOutput, noise } = inputs();
      const t = sampler.timesteps[0]!;
      const generator = new NoiseGenerator(5);
      const last = (tensor: tf.Tensor4D) => tensor.slice([batch - 1, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
      const whole = sampler.step(modelOutput, t, x, { ...stochastic, generator });
      const alone = sampler.step(last(modelOutput), t, last(x), {
        ...stochastic,
        generator,
        firstSample: batch - 1,
      });
      const wholeLast = last(whole.prevSample);
      const [a, b] = await Promise.all([wholeLast.data(), alone.prevSample.data()]);
      expect(Array.from(a)).toEqual(Array.from(b));
      tf.dispose(
        [
          x,
          modelOutput,
          noise,
          whole.prevSample,
          whole.predOriginalSample!,
          alone.prevSample,
          alone.predOriginalSample!,
          wholeLast,
        ].filter(Boolean),
      );
    });

    it('runs the sample() loop with a constant tensor count, and cancels it', async () => {
      const denoiser = createMockDenoiser({ learnedVariance: factor === 2 });
      const sampler = create({});
      const shape: [number, number, number, number] = [batch, height, width, channels];
      await expectNoTensorLeak(async () => {
        const counts: number[] = [];
        const result = await sample({
          denoiser,
          sampler,
          shape,
          numInferenceSteps: 6,
          generator: new NoiseGenerator(1),
          ...stochastic,
          onStep: () => {
            counts.push(liveTensorCount());
          },
        });
        expect(counts).toHaveLength(6);
        expect(new Set(counts).size).toBe(1);
        expect(result.shape).toEqual(shape);
        result.dispose();
        const controller = new AbortController();
        const cancelled = sample({
          denoiser,
          sampler,
          shape,
          numInferenceSteps: 6,
          signal: controller.signal,
          onStep: ({ stepIndex }) => {
            if (stepIndex === 2) controller.abort();
          },
        });
        await expect(cancelled).rejects.toThrow(/abort/i);
      });
    });

    it('adds noise and computes velocities with one timestep per item', async () => {
      const sampler = create({});
      const { x, noise, modelOutput } = inputs();
      const timesteps = Array.from({ length: batch }, (_, i) => (i * 7) % sampler.schedule.numTrainTimesteps);
      await expectNoTensorLeak(async () => {
        const indices = tf.tensor1d(timesteps, 'int32');
        const results = [
          sampler.addNoise(x, noise, timesteps),
          sampler.addNoise(x, noise, indices),
          sampler.getVelocity(x, noise, timesteps),
          sampler.getVelocity(x, noise, indices),
        ];
        for (const result of results) expect(result.shape).toEqual(x.shape);
        expect(Array.from(await results[1]!.data())).toEqual(Array.from(await results[0]!.data()));
        expect(Array.from(await results[3]!.data())).toEqual(Array.from(await results[2]!.data()));
        tf.dispose([...results, indices]);
      });
      tf.dispose([x, noise, modelOutput]);
    });

    it('refuses bad input with typed errors naming the field', () => {
      const fresh = create({});
      const total = fresh.schedule.numTrainTimesteps;
      const { x, modelOutput, noise } = inputs();
      expect(() => fresh.step(modelOutput, total - 1, x)).toThrow(StateError);
      const sampler = ready(create({}));
      const t = sampler.timesteps[0]!;
      const missing = [...Array(total).keys()].find((s) => !sampler.timesteps.includes(s))!;
      expect(() => sampler.step(modelOutput, missing, x)).toThrow(ValueError);
      const wrong = tf.zeros([batch, height, width, channels * factor + 1]) as tf.Tensor4D;
      expect(() => sampler.step(wrong, t, x)).toThrow(ShapeError);
      expect(() => sampler.step(modelOutput, t, x, { noise, generator: new NoiseGenerator(0) })).toThrow(
        /either `noise` or `generator`, not both/,
      );
      expect(() => sampler.setTimesteps(total + 200)).toThrow(
        `\`numInferenceSteps\` (${total + 200}) cannot exceed \`numTrainTimesteps\` (${total})`,
      );
      expect(() => sampler.setTimesteps({ timesteps: [5, 7, 1] })).toThrow(ValueError);
      expect(() => sampler.setTimesteps({ timesteps: [total, 0] })).toThrow(ValueError);
      expect(() => sampler.setTimesteps({ timesteps: [5, 1], numInferenceSteps: 2 })).toThrow(ValueError);
      const config = sampler.config;
      expect(() => fromConfig({ ...config, beta_schedule: 'nope' })).toThrow(ConfigError);
      expect(() => fromConfig({ ...config, prediction_type: 'flow' })).toThrow(/`predictionType`/);
      expect(() => fromConfig({ ...config, beta_start: Number.NaN })).toThrow(ValueError);
      tf.dispose([x, modelOutput, noise, wrong]);
    });
  });
}
