/** The playground's samplers, built from a diffusers scheduler config by `@diffuse/samplers`. */
import type { Sampler } from '@diffuse/core';
import { DDIMSampler, DDPMSampler } from '@diffuse/samplers';
import type { SamplerName } from './sampling-settings.js';

/**
 * A sampler of kind `name` from `schedulerConfig` (diffusers' `scheduler_config.json`, snake_case). As in
 * diffusers' `from_config`, a DDPM config builds a DDIM sampler with the same schedule, and vice versa.
 */
export function createSampler(name: SamplerName, schedulerConfig: Readonly<Record<string, unknown>>): Sampler {
  return name === 'ddim' ? DDIMSampler.fromConfig(schedulerConfig) : DDPMSampler.fromConfig(schedulerConfig);
}
