/**
 * Flags that several `diffuse` commands share: the model folder, the sampler with DDIM's η, the seed and
 * the Fashion-MNIST folder. One spec and one reader each, so that their help, defaults and checks agree.
 */
import { resolve } from 'node:path';
import { ConfigError } from '@diffuse/core';
import { FASHION_MNIST_DIR } from '../data/fashion-mnist.js';
import { SAMPLER_NAMES, type SamplerName } from '../sampling/generate-samples.js';
import { checkModelFolder } from '../training/denoiser-folder.js';
import { type FlagSpec, type FlagValues, readChoice, readInteger, readNumber, readString } from './options.js';
import { pretrainedModelDirectory } from './paths.js';

/** `--model DIR`, by default the committed Fashion-MNIST U-Net. */
export function modelFlag(description = 'Model folder'): FlagSpec {
  return { type: 'string', valueName: 'DIR', description, defaultText: 'the committed Fashion-MNIST U-Net' };
}

/**
 * The absolute `--model` folder (the committed U-Net when absent), checked to be a model folder unless
 * `check` is false.
 */
export function readModelFolder(values: FlagValues, check = true): string {
  const model = resolve(readString(values, 'model', pretrainedModelDirectory()));
  if (check) checkModelFolder('--model', model);
  return model;
}

/** `--sampler NAME`: ddim (default) or ddpm. */
export const SAMPLER_FLAG: FlagSpec = {
  type: 'string',
  valueName: 'NAME',
  description: 'ddim or ddpm',
  defaultText: 'ddim',
};

/** `--sampler` and DDIM's `--eta` in [0, 1] (default 0); a non-zero `--eta` with `--sampler ddpm` is refused. */
export function readSamplerAndEta(values: FlagValues): { sampler: SamplerName; eta: number } {
  const sampler = readChoice(values, 'sampler', SAMPLER_NAMES, 'ddim');
  const eta = readNumber(values, 'eta', 0, { min: 0, max: 1 });
  if (sampler === 'ddpm' && eta !== 0) {
    throw new ConfigError({
      argument: '--eta',
      expected: 'no --eta with --sampler ddpm (η is DDIM’s)',
      received: String(eta),
    });
  }
  return { sampler, eta };
}

/** `--seed N` in [0, 2³¹ − 1], or `fallback` when absent. */
export function readSeed(values: FlagValues, fallback: number): number {
  return readInteger(values, 'seed', fallback, { min: 0, max: 2 ** 31 - 1 });
}

/** `--data-dir DIR`: the Fashion-MNIST IDX folder, by default where Debian's package installs it. */
export function dataDirFlag(description = 'Fashion-MNIST IDX folder'): FlagSpec {
  return { type: 'string', valueName: 'DIR', description, defaultText: FASHION_MNIST_DIR };
}

/** `--data-dir`'s folder, or Debian's when absent. */
export function readDataDir(values: FlagValues): string {
  return readString(values, 'data-dir', FASHION_MNIST_DIR);
}
