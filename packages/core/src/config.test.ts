import { afterEach, describe, expect, it, vi } from 'vitest';
import { readDiffusersConfig, toCamelCase, toSnakeCase, writeDiffusersConfig } from './config.js';
import { ConfigError, ValueError } from './errors.js';

interface Example {
  numTrainTimesteps: number;
  betaSchedule: string;
  clipSample: boolean;
}
const knownKeys = ['numTrainTimesteps', 'betaSchedule', 'clipSample'] as const;

describe('diffusers config helpers', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('converts key styles both ways', () => {
    expect(toCamelCase('num_train_timesteps')).toBe('numTrainTimesteps');
    expect(toSnakeCase('numTrainTimesteps')).toBe('num_train_timesteps');
    expect(toCamelCase(toSnakeCase('rescaleBetasZeroSnr'))).toBe('rescaleBetasZeroSnr');
  });

  it('reads snake_case or camelCase, keeps metadata and round-trips', () => {
    const json = {
      _class_name: 'DDPMScheduler',
      _diffusers_version: '0.30.0',
      num_train_timesteps: 1000,
      betaSchedule: 'linear',
    };
    const parsed = readDiffusersConfig<Example>({ json, knownKeys, onUnknownKeys: 'error' });
    expect(parsed.className).toBe('DDPMScheduler');
    expect(parsed.config).toEqual({ numTrainTimesteps: 1000, betaSchedule: 'linear' });
    expect(parsed.metadata).toEqual({ _class_name: 'DDPMScheduler', _diffusers_version: '0.30.0' });
    const written = writeDiffusersConfig({
      className: 'DDPMScheduler',
      config: { ...parsed.config, clipSample: undefined },
    });
    expect(written).toEqual({ _class_name: 'DDPMScheduler', num_train_timesteps: 1000, beta_schedule: 'linear' });
    expect(Object.keys(written)[0]).toBe('_class_name');
  });

  it('reports unknown keys: warn by default, error when strict', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const parsed = readDiffusersConfig<Example>({ json: { num_train_timesteps: 10, skip_prk_steps: true }, knownKeys });
    expect(parsed.unknownKeys).toEqual(['skip_prk_steps']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/skip_prk_steps/));
    expect(() =>
      readDiffusersConfig<Example>({
        json: { skip_prk_steps: true },
        knownKeys,
        onUnknownKeys: 'error',
        argument: 'schedulerConfig',
      }),
    ).toThrow(/`schedulerConfig`.*skip_prk_steps/);
  });

  it('refuses non-objects, duplicate spellings and non-finite numbers', () => {
    expect(() => readDiffusersConfig<Example>({ json: [1], knownKeys })).toThrow(ConfigError);
    expect(() =>
      readDiffusersConfig<Example>({ json: { num_train_timesteps: 1, numTrainTimesteps: 2 }, knownKeys }),
    ).toThrow(/each key once/);
    expect(() => readDiffusersConfig<Example>({ json: { num_train_timesteps: Number.NaN }, knownKeys })).toThrow(
      ValueError,
    );
  });
});
