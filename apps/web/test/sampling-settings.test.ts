import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  type SamplingSettings,
  settingsFromQuery,
  settingsToQuery,
  validateSettings,
} from '../src/sampling-settings.js';

describe('sampling settings', () => {
  it('round-trips through the URL query and keeps other keys', () => {
    const settings: SamplingSettings = { sampler: 'ddpm', numInferenceSteps: 12, eta: 0.25, seed: 99, batchSize: 3 };
    const query = settingsToQuery(settings, new URLSearchParams({ backend: 'webgpu' }));
    expect(query.get('backend')).toBe('webgpu');
    expect(settingsFromQuery(query)).toEqual(settings);
  });

  it('takes the defaults for missing keys', () => {
    expect(settingsFromQuery(new URLSearchParams())).toEqual(DEFAULT_SETTINGS);
    expect(settingsFromQuery(new URLSearchParams('steps=7'))).toEqual({ ...DEFAULT_SETTINGS, numInferenceSteps: 7 });
  });

  it('refuses values out of range, naming the control', () => {
    const valid = { ...DEFAULT_SETTINGS };
    expect(validateSettings(valid, 1000)).toEqual(valid);
    expect(() => validateSettings({ ...valid, numInferenceSteps: 1001 }, 1000)).toThrow(/steps .*\[1, 1000\].*1001/);
    expect(() => validateSettings({ ...valid, numInferenceSteps: 2.5 }, 1000)).toThrow(/steps/);
    expect(() => validateSettings({ ...valid, eta: 1.5 }, 1000)).toThrow(/η/);
    expect(() => validateSettings({ ...valid, eta: Number.NaN }, 1000)).toThrow(/η/);
    expect(() => validateSettings({ ...valid, batchSize: 0 }, 1000)).toThrow(/batch size/);
    expect(() => validateSettings({ ...valid, seed: -1 }, 1000)).toThrow(/seed/);
    expect(() => validateSettings({ ...valid, sampler: 'euler' as never }, 1000)).toThrow(/sampler .*ddim, ddpm/);
  });
});
