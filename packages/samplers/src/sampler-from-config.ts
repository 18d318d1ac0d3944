/**
 * `samplerFromConfig`: a diffusers `scheduler_config.json` → the sampler its `_class_name` names.
 */
import { ConfigError, readDiffusersConfig } from '@diffuse/core';
import { DDIMSampler } from './ddim-sampler.js';
import { DDPMSampler } from './ddpm-sampler.js';
import type { FromConfigOptions } from './sampler-config.js';

/** The samplers `samplerFromConfig` knows, by diffusers class name. */
export const SAMPLER_CLASSES = { DDPMScheduler: DDPMSampler, DDIMScheduler: DDIMSampler } as const;

/** A diffusers scheduler class name this package implements. */
export type SamplerClassName = keyof typeof SAMPLER_CLASSES;

/** A sampler of any of the classes `samplerFromConfig` knows. */
export type AnySampler = InstanceType<(typeof SAMPLER_CLASSES)[SamplerClassName]>;

const fromConfig: Record<SamplerClassName, (json: unknown, options?: FromConfigOptions) => AnySampler> = {
  DDPMScheduler: (json, options) => DDPMSampler.fromConfig(json, options),
  DDIMScheduler: (json, options) => DDIMSampler.fromConfig(json, options),
};

/**
 * Builds the sampler a parsed diffusers `scheduler_config.json` describes. `_class_name` picks the class
 * (`DDPMScheduler` or `DDIMScheduler`); keys may be snake_case or camelCase. `samplerFromConfig(s.config)`
 * gives a sampler equal to `s`.
 *
 * @example
 * const sampler = samplerFromConfig(JSON.parse(await readFile('scheduler/scheduler_config.json', 'utf8')));
 * sampler.setTimesteps(50);
 */
export function samplerFromConfig(json: unknown, options?: FromConfigOptions): AnySampler {
  const { className } = readDiffusersConfig({ json, knownKeys: [], argument: 'config', onUnknownKeys: 'ignore' });
  if (className === undefined || !Object.hasOwn(SAMPLER_CLASSES, className)) {
    throw new ConfigError({
      argument: 'config._class_name',
      expected: `one of ${Object.keys(SAMPLER_CLASSES)
        .map((name) => `"${name}"`)
        .join(', ')}`,
      received: className ?? (json as Record<string, unknown>)._class_name,
      hint: 'Pick the class with `DDIMSampler.fromConfig(json)` to use another scheduler’s compatible config',
    });
  }
  return fromConfig[className as SamplerClassName](json, options);
}
