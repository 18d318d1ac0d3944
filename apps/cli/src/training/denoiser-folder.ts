/**
 * Model folders as `diffuse` reads and writes them: diffusers layout (`config.json`,
 * `diffusion_pytorch_model.safetensors`, `scheduler_config.json`), holding a `UNet2DModel` (images) or
 * an `MlpDenoiser` (2-D points), told apart by `_class_name`.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Denoiser, IoError } from '@diffuse/core';
import { DIFFUSERS_CONFIG_NAME, parseConfigJson } from '@diffuse/io';
import {
  readDiffusersModelFolder,
  readFileBytes,
  readSchedulerConfig,
  SCHEDULER_CONFIG_NAME,
  writeDiffusersModelFolder,
  writeSchedulerConfig,
} from '@diffuse/io/node';
import { MLP_DENOISER_CLASS_NAME, MlpDenoiser } from '@diffuse/models';
import { UNet2DModel } from '@diffuse/models/node';

/** A loaded model folder. */
export interface LoadedDenoiser {
  denoiser: Denoiser & { dispose(): void };
  kind: 'unet' | 'mlp';
  /** Shape of one sample: [height, width, channels] ([1, 1, 2] for 2-D points). */
  sampleShape: [number, number, number];
  /** The folder's `scheduler_config.json` (a default DDPM one when absent). */
  schedulerConfig: Record<string, unknown>;
}

/** The scheduler config of a model trained by `diffuse train` with these settings. */
export function trainingSchedulerConfig(options: {
  numTrainTimesteps: number;
  betaSchedule: string;
  predictionType: string;
  clipSample: boolean;
}): Record<string, unknown> {
  return {
    _class_name: 'DDPMScheduler',
    num_train_timesteps: options.numTrainTimesteps,
    beta_schedule: options.betaSchedule,
    beta_start: 0.0001,
    beta_end: 0.02,
    prediction_type: options.predictionType,
    clip_sample: options.clipSample,
    clip_sample_range: 1,
    timestep_spacing: 'leading',
    variance_type: 'fixed_small',
  };
}

/**
 * Checks that `directory` looks like a model folder (exists, has `config.json`); the flag name goes
 * into the error. Used while reading flags, so that a wrong path is a usage error.
 */
export function checkModelFolder(flag: string, directory: string): void {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new IoError({ argument: flag, expected: 'an existing model folder', received: directory });
  }
  if (!existsSync(join(directory, DIFFUSERS_CONFIG_NAME))) {
    throw new IoError({
      argument: flag,
      expected: `a model folder with ${DIFFUSERS_CONFIG_NAME} (written by \`diffuse train\`)`,
      received: directory,
    });
  }
}

/** Loads the model of `directory` with its scheduler config. */
export async function loadDenoiserFolder(directory: string): Promise<LoadedDenoiser> {
  const configPath = join(directory, DIFFUSERS_CONFIG_NAME);
  const config = parseConfigJson(new TextDecoder().decode(await readFileBytes(configPath, 'model config')), configPath);
  const schedulerConfig = existsSync(join(directory, SCHEDULER_CONFIG_NAME))
    ? await readSchedulerConfig(directory)
    : trainingSchedulerConfig({
        numTrainTimesteps: 1000,
        betaSchedule: 'linear',
        predictionType: 'epsilon',
        clipSample: true,
      });
  const className = config._class_name;
  if (className === 'UNet2DModel') {
    const model = await UNet2DModel.fromPretrained(directory);
    const { sampleSize, inChannels } = model.unetConfig;
    const [height, width] = Array.isArray(sampleSize) ? sampleSize : [sampleSize, sampleSize];
    return { denoiser: model, kind: 'unet', sampleShape: [height!, width!, inChannels], schedulerConfig };
  }
  if (className === MLP_DENOISER_CLASS_NAME) {
    const files = await readDiffusersModelFolder(directory);
    const model = MlpDenoiser.fromConfigAndWeights({ config, weights: files.weights.tensors });
    return { denoiser: model, kind: 'mlp', sampleShape: [1, 1, model.config.dimension], schedulerConfig };
  }
  throw new ConfigError({
    argument: `${configPath}._class_name`,
    expected: `"UNet2DModel" or "${MLP_DENOISER_CLASS_NAME}"`,
    received: className,
  });
}

/** Writes `model` (current weights) and the scheduler config into `directory`. */
export async function saveDenoiserFolder(
  directory: string,
  model: UNet2DModel | MlpDenoiser,
  schedulerConfig: Record<string, unknown>,
): Promise<void> {
  if (model instanceof MlpDenoiser) {
    await writeDiffusersModelFolder(directory, {
      config: model.toConfigJson(),
      tensors: await model.getWeightArrays(),
    });
  } else {
    await writeDiffusersModelFolder(directory, { config: model.config, tensors: await model.stateDict() });
  }
  await writeSchedulerConfig(directory, schedulerConfig);
}

/** The `training.json` that `diffuse train` writes next to a model, when present. */
export async function readTrainingRecord(directory: string): Promise<Record<string, unknown> | undefined> {
  const path = join(directory, 'training.json');
  if (!existsSync(path)) return undefined;
  return parseConfigJson(new TextDecoder().decode(await readFileBytes(path, 'training record')), path);
}
