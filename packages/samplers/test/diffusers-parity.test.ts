/**
 * DDPM and DDIM against diffusers' own numbers (fixtures/schedulers.json, made by running diffusers'
 * scheduling_ddpm.py / scheduling_ddim.py under PyTorch float32): every recorded step of every config on
 * cpu and wasm, a representative subset on webgpu; diffusers' full loops through `sample()`.
 */
import { describeBackends } from '@diffuse/backends/testing';
import type { NoiseGeneratorLike } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DDPMSampler, type StepOptions, sample, samplerFromConfig } from '../src/index.js';
import { createMockDenoiser } from '../src/testing.js';
import { expectAllClose, type GoldenTensor, golden, type StepsCase, type VarianceCase } from './golden.js';

const toTensor = (value: GoldenTensor) => tf.tensor4d(value.data, value.shape);
const className = (scheduler: 'DDPM' | 'DDIM') => `${scheduler}Scheduler`;

// diffusers computes every coefficient in float32 (1 − ᾱ_t included), we in float64 rounded once. The
// largest differences seen: x_{t'} 3e-6; x̂₀ 7e-5 where x̂₀ ≈ 300 (t = 900, ε-prediction divides by
// √ᾱ_t ≈ 0.02) and 2e-5 where ᾱ_t ≈ 4e-5 (t = 999). WebGPU's exp/log/sqrt are less exact.
const tolerance = {
  cpu: { prev: { atol: 1e-5, rtol: 1e-5 }, original: { atol: 5e-5, rtol: 1e-5 } },
  webgpu: { prev: { atol: 5e-5, rtol: 5e-5 }, original: { atol: 2e-4, rtol: 5e-5 } },
};

// On webgpu (SwiftShader, slow): each prediction type, each variance type, thresholding, clipping,
// η > 0 with use_clipped_model_output, schedule-following DDIM, zero-SNR, custom timesteps.
const webgpuCases = new Set([
  'ddpm_epsilon_fixed_small',
  'ddpm_v_prediction_learned_range',
  'ddpm_sample_learned',
  'ddpm_epsilon_fixed_large_log',
  'ddpm_epsilon_threshold1.5',
  'ddpm_custom_timesteps',
  'ddim_v_prediction_clip_eta1.0_ucmoTrue',
  'ddim_sample_threshold0.8_eta0.5',
  'ddim_linspace_off0_n10_eta1.0',
  'ddim_rescaled_v_trailing',
]);

/** A sampler set up as the fixture case was. */
function samplerFor(fixture: StepsCase) {
  const sampler = samplerFromConfig({ _class_name: className(fixture.scheduler), ...fixture.config });
  if (fixture.custom_timesteps) sampler.setTimesteps({ timesteps: fixture.custom_timesteps });
  // diffusers' DDPM without set_timesteps steps through all T timesteps, t → t − 1.
  else sampler.setTimesteps(fixture.num_inference_steps ?? sampler.schedule.numTrainTimesteps);
  return sampler;
}

describeBackends('DDPM and DDIM steps against diffusers', ({ backend }) => {
  const cases = golden().steps.filter((fixture) => backend !== 'webgpu' || webgpuCases.has(fixture.id));
  const { prev: prevTolerance, original: originalTolerance } = tolerance[backend === 'webgpu' ? 'webgpu' : 'cpu'];
  for (const fixture of cases) {
    it(fixture.id, async () => {
      const sampler = samplerFor(fixture);
      expect(sampler.timesteps).toEqual(fixture.timesteps ?? sampler.timesteps);
      // fixed_large_log is NaN in diffusers for t > 0 (√ of log β_t < 0): ours is fixed_large's σ = √β_t.
      const reference =
        fixture.config.variance_type === 'fixed_large_log'
          ? new DDPMSampler({ ...(sampler as DDPMSampler).options, varianceType: 'fixed_large' })
          : undefined;
      reference?.setTimesteps(fixture.num_inference_steps!);
      for (const record of fixture.records) {
        const x = toTensor(record.sample);
        const modelOutput = toTensor(record.model_output);
        const noise = record.variance_noise ? toTensor(record.variance_noise) : undefined;
        const options: StepOptions = noise ? { noise } : {};
        if (fixture.step_kwargs) {
          options.eta = fixture.step_kwargs.eta;
          options.useClippedModelOutput = fixture.step_kwargs.use_clipped_model_output;
        }
        const { prevSample, predOriginalSample } = sampler.step(modelOutput, record.timestep, x, options);
        // DDIM records where diffusers' t − T//n leaves the schedule: ours follows the schedule.
        const following = record.prev_differs === true;
        const expectedOriginal = following
          ? record.pred_original_sample_schedule_following!
          : record.pred_original_sample;
        let expectedPrev = following ? record.prev_sample_schedule_following! : record.prev_sample;
        if (reference && record.timestep > 0) {
          expect(expectedPrev.data.every(Number.isNaN)).toBe(true); // diffusers' bug, recorded as-is
          const fixed = reference.step(modelOutput, record.timestep, x, options);
          expectedPrev = { shape: record.prev_sample.shape, data: Array.from(await fixed.prevSample.data()) };
          tf.dispose([fixed.prevSample, fixed.predOriginalSample]);
        }
        const label = `${fixture.id} t=${record.timestep}`;
        expectAllClose(await predOriginalSample.data(), expectedOriginal.data, {
          ...originalTolerance,
          label: `${label} x0`,
        });
        expectAllClose(await prevSample.data(), expectedPrev.data, { ...prevTolerance, label: `${label} prev` });
        tf.dispose([x, modelOutput, prevSample, predOriginalSample, ...(noise ? [noise] : [])]);
      }
    });
  }
});

describeBackends('diffusers full loops through sample()', () => {
  for (const fixture of golden().full_loops) {
    it(`${fixture.id}${fixture.diffusers_expected ? ` (diffusers: Σ|x| = ${fixture.diffusers_expected.sum_abs})` : ''}`, async () => {
      const sampler = samplerFromConfig({ _class_name: className(fixture.scheduler), ...fixture.config });
      const initial = toTensor(fixture.add_noise?.noisy_sample ?? fixture.initial_sample);
      const perStep = fixture.variance_noise_per_step;
      // Replays the recorded per-step noise through the generator interface (step = step index).
      const generator: NoiseGeneratorLike | undefined = perStep && {
        seed: 0,
        normal: ({ step }) => toTensor(perStep[step]!),
      };
      if (fixture.add_noise) {
        // diffusers' test adds noise at timesteps[8] itself: check that too.
        const original = toTensor(fixture.initial_sample);
        const noise = toTensor(fixture.add_noise.noise);
        sampler.setTimesteps(fixture.num_inference_steps);
        const noisy = sampler.addNoise(original, noise, fixture.add_noise.timesteps);
        expectAllClose(await noisy.data(), fixture.add_noise.noisy_sample.data, { atol: 2e-6, rtol: 2e-6 });
        tf.dispose([original, noise, noisy]);
      }
      const result = await sample({
        denoiser: createMockDenoiser(),
        sampler,
        initialNoise: initial,
        ...(fixture.loop_timesteps
          ? { timesteps: fixture.loop_timesteps }
          : { numInferenceSteps: fixture.num_inference_steps }),
        ...(fixture.eta !== undefined && { eta: fixture.eta }),
        ...(generator && { generator }),
      });
      expect(sampler.timesteps).toEqual(fixture.loop_timesteps ?? fixture.timesteps);
      const values = Array.from(await result.data());
      expectAllClose(values, fixture.final_sample.data, { atol: 1e-5, rtol: 1e-5, label: fixture.id });
      const sumAbs = values.reduce((sum, value) => sum + Math.abs(value), 0);
      const meanAbs = sumAbs / values.length;
      expect(Math.abs(sumAbs - fixture.sum_abs)).toBeLessThan(1e-3);
      if (fixture.diffusers_expected) {
        // diffusers' test tolerances.
        expect(Math.abs(sumAbs - fixture.diffusers_expected.sum_abs)).toBeLessThan(1e-2);
        expect(Math.abs(meanAbs - fixture.diffusers_expected.mean_abs)).toBeLessThan(1e-3);
      }
      tf.dispose([initial, result]);
    });
  }
});

describe('diffusers configs and variances', () => {
  it('writes the config diffusers resolves (every default, snake_case, _class_name)', () => {
    for (const fixture of golden().steps) {
      const sampler = samplerFromConfig({ _class_name: className(fixture.scheduler), ...fixture.config });
      expect(sampler.config).toEqual({ _class_name: className(fixture.scheduler), ...fixture.resolved_config });
    }
  });

  it('gives diffusers’ _get_variance values through a step’s noise scale', async () => {
    // DDPM: σ² at t = 487 and 999 (fixed_small) are 0.00979 and 0.02; DDIM: (420, 400) → 0.14771,
    // (980, 960) → 0.32460; DDIM's last step uses ᾱ = 1 or ᾱ_0 (set_alpha_to_one). Read off as
    // (x_{t'}(noise = 1) − x_{t'}(noise = 0))² with η = 1, model output and x_t zero.
    const zeros = tf.zeros([1, 1, 1, 1]) as tf.Tensor4D;
    const ones = tf.ones([1, 1, 1, 1]) as tf.Tensor4D;
    const varianceOf = async (fixture: VarianceCase) => {
      const { scheduler, t, prev_t: prev } = fixture;
      const sampler = samplerFromConfig({ _class_name: className(scheduler), ...fixture.config });
      sampler.setTimesteps({ timesteps: prev >= 0 ? [t, prev] : [t] });
      const options = scheduler === 'DDIM' ? { eta: 1 } : {};
      const [withNoise, without] = [ones, zeros].map((noise) => sampler.step(zeros, t, zeros, { ...options, noise }));
      const [a, b] = [(await withNoise!.prevSample.data())[0]!, (await without!.prevSample.data())[0]!];
      tf.dispose([
        withNoise!.prevSample,
        withNoise!.predOriginalSample,
        without!.prevSample,
        without!.predOriginalSample,
      ]);
      return (a - b) ** 2;
    };
    for (const fixture of golden().variances) {
      if (fixture.t === 0 || fixture.prev_t < -1) continue; // t = 0 adds no noise; prev −99 is not a schedule
      const variance = await varianceOf(fixture);
      expect(Math.abs(variance - fixture.variance)).toBeLessThan(1e-6 + 1e-5 * fixture.variance);
      if (fixture.diffusers_expected !== null)
        expect(Math.abs(variance - fixture.diffusers_expected)).toBeLessThan(1e-5);
    }
    tf.dispose([zeros, ones]);
  });
});
