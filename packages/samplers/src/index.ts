/**
 * @diffuse/samplers — diffusion samplers with diffusers' scheduler contract, number for number:
 * `DDPMSampler`, `DDIMSampler`, `samplerFromConfig(scheduler_config.json)`, and the `sample()` loop.
 * Conformance tests and a mock denoiser: `@diffuse/samplers/testing`.
 */
export { DDIMSampler, type DDIMSamplerOptions } from './ddim-sampler.js';
export { DDPMSampler, type DDPMSamplerOptions, VARIANCE_TYPES, type VarianceType } from './ddpm-sampler.js';
export { DiffusersSampler, type SamplerClass, type StepOptions, type StepOutput } from './diffusers-sampler.js';
export { type SampleOptions, type SampleProgress, sample } from './sample.js';
export type { CommonSamplerOptions, FromConfigOptions, Resolved } from './sampler-config.js';
export { type AnySampler, SAMPLER_CLASSES, type SamplerClassName, samplerFromConfig } from './sampler-from-config.js';
export { dynamicThreshold } from './thresholding.js';
