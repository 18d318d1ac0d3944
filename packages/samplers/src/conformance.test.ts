import { describeBackends } from '@diffuse/backends/testing';
import { ConfigError, NoiseGenerator, StateError, ValueError } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { runQuickStart } from '../../core/test/quick-start.js';
import { DDIMSampler } from './ddim-sampler.js';
import { DDPMSampler } from './ddpm-sampler.js';
import { sample } from './sample.js';
import { samplerFromConfig } from './sampler-from-config.js';
import { createMockDenoiser, describeSampler } from './testing.js';

describeBackends('sampler conformance', () => {
  describeSampler({
    name: 'DDPMSampler',
    create: (options) => new DDPMSampler(options),
    fromConfig: (json) => DDPMSampler.fromConfig(json),
    configs: [{}, { betaSchedule: 'squaredcos_cap_v2', numTrainTimesteps: 50, thresholding: true }],
  });
  describeSampler({
    name: 'DDPMSampler, learned_range variance (2C model output)',
    create: (options) => new DDPMSampler({ varianceType: 'learned_range', predictionType: 'v_prediction', ...options }),
    fromConfig: (json) => DDPMSampler.fromConfig(json),
    outputChannelsFactor: 2,
  });
  describeSampler({
    name: 'DDIMSampler',
    create: (options) => new DDIMSampler(options),
    fromConfig: (json) => DDIMSampler.fromConfig(json),
    configs: [{}, { trainedBetas: Array.from({ length: 20 }, (_, i) => 0.01 + i * 0.01), numTrainTimesteps: 20 }],
    stochasticStepOptions: { eta: 1 },
  });
});

describeBackends(
  'sampler-specific step checks',
  () => {
    const x = () => tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    it('DDPM refuses DDIM options, and learned variances need 2C output channels', () => {
      const sampler = new DDPMSampler({ varianceType: 'learned_range' });
      sampler.setTimesteps(10);
      const sample = x();
      const doubled = tf.zeros([1, 2, 2, 6]) as tf.Tensor4D;
      expect(() => sampler.step(sample, 900, sample)).toThrow(/`modelOutput`: expected shape \[1, 2, 2, 6\]/);
      expect(() => sampler.step(doubled, 900, sample, { eta: 0 })).toThrow(/`eta`: expected no DDIM option/);
      expect(() => sampler.step(doubled, 900, sample, { useClippedModelOutput: true })).toThrow(ValueError);
      tf.dispose([sample, doubled]);
    });

    it('constructors refuse options they do not have (fromConfig drops other samplers’ keys)', () => {
      expect(() => new DDIMSampler({ varianceType: 'learned' } as never)).toThrow(
        /`varianceType`: expected an option of this sampler \(numTrainTimesteps, /,
      );
      expect(() => new DDPMSampler({ betaScheduel: 'linear' } as never)).toThrow(ConfigError);
      expect(() => new DDPMSampler({ setAlphaToOne: false } as never)).toThrow(/`setAlphaToOne`/);
      const ddim = DDIMSampler.fromConfig({ _class_name: 'DDPMScheduler', variance_type: 'fixed_small' });
      expect(ddim.config).not.toHaveProperty('variance_type');
    });

    it('DDIM refuses a negative or non-finite η', () => {
      const sampler = new DDIMSampler();
      sampler.setTimesteps(10);
      const sample = x();
      expect(() => sampler.step(sample, 900, sample, { eta: -0.5 })).toThrow(/`eta`: expected η ≥ 0/);
      expect(() => sampler.step(sample, 900, sample, { eta: Number.NaN })).toThrow(/`eta`: expected a finite number/);
      // η > 1 is allowed while σ_t² ≤ 1 − ᾱ_{t'}; beyond, diffusers returns NaN, we say so.
      const fine = sampler.step(sample, 900, sample, { eta: 1.1, noise: sample });
      tf.dispose([fine.prevSample, fine.predOriginalSample]);
      expect(() => sampler.step(sample, 900, sample, { eta: 50, noise: sample })).toThrow(
        /`eta`: expected η ≤ [0-9.]+ at timestep 900/,
      );
      sample.dispose();
    });

    it('sample() refuses ambiguous or missing timesteps, and reports each step', async () => {
      const denoiser = createMockDenoiser();
      const sampler = new DDIMSampler();
      const shape = [1, 2, 2, 3] as const;
      await expect(sample({ denoiser, sampler, shape })).rejects.toThrow(StateError);
      await expect(sample({ denoiser, sampler, shape, numInferenceSteps: 2, timesteps: [9, 0] })).rejects.toThrow(
        /either `numInferenceSteps` or `timesteps`, not both/,
      );
      await expect(sample({ denoiser, sampler, numInferenceSteps: 2 })).rejects.toThrow(/`shape`/);
      const initialNoise = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
      await expect(sample({ denoiser, sampler, numInferenceSteps: 2, shape, initialNoise })).rejects.toThrow(
        /`shape`: expected either `initialNoise` or `shape`, not both/,
      );
      initialNoise.dispose();
      const seen: [number, number[], number[]][] = [];
      const result = await sample({
        denoiser,
        sampler,
        shape,
        timesteps: [600, 300],
        generator: new NoiseGenerator(9),
        onStep: async ({ timestep, sample: x, predOriginalSample }) => {
          seen.push([timestep, Array.from(await x.data()), Array.from(await predOriginalSample!.data())]);
        },
      });
      expect(seen.map(([t]) => t)).toEqual([600, 300]);
      // The mock model predicts ε = x·t/(t+1), so x̂₀ = (x − √(1−ᾱ)·ε)/√ᾱ, clipped to [−1, 1].
      const [t, x, x0] = seen[0]!;
      const alphaProd = sampler.schedule.alphasCumprod[t]!;
      x.forEach((value, i) => {
        const expected = (value - Math.sqrt(1 - alphaProd) * value * (t / (t + 1))) / Math.sqrt(alphaProd);
        expect(x0[i]).toBeCloseTo(Math.min(1, Math.max(-1, expected)), 5);
      });
      result.dispose();
    });

    it('DDIM steps along custom timesteps, ending on finalAlphaCumprod', async () => {
      // One step from t to "after the last" with x₀-prediction lands exactly on the (clipped) x₀.
      const sampler = new DDIMSampler({ predictionType: 'sample', clipSample: false });
      sampler.setTimesteps({ timesteps: [700] });
      const sample = tf.fill([1, 2, 2, 3], 0.3) as tf.Tensor4D;
      const original = tf.fill([1, 2, 2, 3], -0.7) as tf.Tensor4D;
      const { prevSample, predOriginalSample } = sampler.step(original, 700, sample);
      for (const value of await prevSample.data()) expect(value).toBeCloseTo(-0.7, 6);
      tf.dispose([sample, original, prevSample, predOriginalSample]);
    });
  },
  { only: ['cpu'] },
);

describeBackends(
  'README quick start',
  () => {
    it('runs as written (≤ 15 lines) and prints what it claims', async () => {
      const before = tf.memory().numTensors;
      const modules = {
        '@diffuse/core': { NoiseGenerator },
        '@diffuse/samplers': { sample, samplerFromConfig },
      };
      const run = await runQuickStart(new URL('../README.md', import.meta.url), modules);
      expect(run.lineCount).toBeLessThanOrEqual(15);
      expect(run.logged).toHaveLength(11);
      expect(run.logged[10]).toBe(run.claimed[0]);
      // The quick start leaves `images` to its reader: one tensor.
      expect(tf.memory().numTensors).toBe(before + 1);
    });
  },
  { only: ['cpu'] },
);
