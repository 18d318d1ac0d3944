import { ConfigError, ValueError } from '@diffuse/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DDIMSampler } from './ddim-sampler.js';
import { DDPMSampler } from './ddpm-sampler.js';
import { samplerFromConfig } from './sampler-from-config.js';

// Stable Diffusion 1.x's scheduler/scheduler_config.json (PNDM; its keys fit DDIM too).
const stableDiffusion = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
};

describe('samplerFromConfig', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('picks the class from _class_name; snake_case or camelCase keys', () => {
    const ddim = samplerFromConfig({ _class_name: 'DDIMScheduler', beta_schedule: 'scaled_linear', stepsOffset: 1 });
    expect(ddim).toBeInstanceOf(DDIMSampler);
    expect(ddim.options.betaSchedule).toBe('scaled_linear');
    expect(ddim.options.stepsOffset).toBe(1);
    expect(samplerFromConfig({ _class_name: 'DDPMScheduler', variance_type: 'learned' })).toBeInstanceOf(DDPMSampler);
  });

  it('refuses an unknown or missing class with a typed error', () => {
    expect(() => samplerFromConfig(stableDiffusion)).toThrow(ConfigError);
    expect(() => samplerFromConfig(stableDiffusion)).toThrow(
      /`config._class_name`: expected one of "DDPMScheduler", "DDIMScheduler", received "PNDMScheduler"/,
    );
    expect(() => samplerFromConfig({ num_train_timesteps: 10 })).toThrow(/`config._class_name`/);
    expect(() => samplerFromConfig('DDIMScheduler')).toThrow(/`config`: expected a JSON object/);
  });

  it('builds a DDIM sampler from a compatible config, warning only about keys no sampler knows', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const sampler = DDIMSampler.fromConfig(stableDiffusion);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/skip_prk_steps/);
    sampler.setTimesteps(5);
    expect(sampler.timesteps).toEqual([801, 601, 401, 201, 1]);
    expect(sampler.finalAlphaCumprod).toBe(sampler.schedule.alphasCumprod[0]);
    // A DDPM config (variance_type) builds a DDIM sampler silently, as diffusers' compatible schedulers.
    warn.mockClear();
    const fromDdpm = DDIMSampler.fromConfig(new DDPMSampler({ varianceType: 'fixed_large' }).config);
    expect(warn).not.toHaveBeenCalled();
    expect(fromDdpm.config._class_name).toBe('DDIMScheduler');
    expect(() => DDIMSampler.fromConfig(stableDiffusion, { onUnknownKeys: 'error' })).toThrow(/skip_prk_steps/);
  });

  it('refuses bad values, naming the field', () => {
    const config = { _class_name: 'DDPMScheduler' };
    expect(() => samplerFromConfig({ ...config, variance_type: 'huge' })).toThrow(/`varianceType`: expected one of/);
    expect(() => samplerFromConfig({ ...config, timestep_spacing: 'karras' })).toThrow(/`timestepSpacing`/);
    expect(() => samplerFromConfig({ ...config, steps_offset: -1 })).toThrow(/`stepsOffset`/);
    expect(() => samplerFromConfig({ ...config, clip_sample_range: 0 })).toThrow(
      /`clipSampleRange`: expected a finite number > 0/,
    );
    expect(() => samplerFromConfig({ ...config, num_train_timesteps: Number.NaN })).toThrow(ValueError);
    expect(() => samplerFromConfig({ ...config, beta_schedule: 'cosine' })).toThrow(/`betaSchedule`/);
    expect(() => new DDIMSampler({ setAlphaToOne: 'no' as never })).toThrow(/`setAlphaToOne`: expected a boolean/);
    expect(() =>
      samplerFromConfig({ ...config, num_train_timesteps: 1000, beta_start: 0.0001, betaStart: 0.0001 }),
    ).toThrow(/each key once/);
  });
});
