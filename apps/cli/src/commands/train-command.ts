/**
 * `diffuse train`: trains a U-Net on Fashion-MNIST or an MLP on a 2-D toy distribution and writes a
 * diffusers model folder (EMA weights) that `diffuse sample` and the web app load.
 */
import { resolve } from 'node:path';
import { ConfigError } from '@diffuse/core';
import { BETA_SCHEDULES, type BetaScheduleName } from '@diffuse/schedules';
import { TOY_DISTRIBUTIONS } from '@diffuse/train';
import { activateBackend } from '../cli/backend.js';
import { dataDirFlag, readSeed } from '../cli/common-flags.js';
import {
  type FlagValues,
  readBoolean,
  readChoice,
  readInteger,
  readIntegerList,
  readNumber,
  readOptionalInteger,
  readString,
} from '../cli/options.js';
import { formatDuration } from '../cli/progress.js';
import type { Command } from '../cli/run-cli.js';
import { type TrainSettings, trainModel } from '../training/train-model.js';

const DATA_CHOICES = ['fashion-mnist', ...TOY_DISTRIBUTIONS] as const;
const PREDICTION_CHOICES = ['epsilon', 'sample', 'v_prediction'] as const;

/**
 * Defaults that differ between images and 2-D points. The 2-D ones are @diffuse/train's two-moons recipe
 * (packages/train/README.md: energy distance 1.75× the true-vs-true floor with 1000 DDPM steps).
 */
function defaultsFor(data: (typeof DATA_CHOICES)[number]) {
  return data === 'fashion-mnist'
    ? {
        steps: 3000,
        batchSize: 32,
        learningRate: 1e-3,
        warmupSteps: 200,
        emaDecay: 0.999,
        out: './diffuse-fashion-mnist',
      }
    : { steps: 1500, batchSize: 256, learningRate: 1e-2, warmupSteps: 100, emaDecay: 0.995, out: `./diffuse-${data}` };
}

/** Reads the `diffuse train` flags into settings (no backend yet: `backend` is filled in by `run`). */
export function readTrainSettings(values: FlagValues, commandLine: string): TrainSettings {
  const data = readChoice(values, 'data', DATA_CHOICES, 'fashion-mnist');
  const defaults = defaultsFor(data);
  const blockOutChannels = readIntegerList(values, 'channels', [16, 32, 64]);
  const normNumGroups = readInteger(values, 'norm-groups', 8, { min: 1 });
  const bad = blockOutChannels.find((channels) => channels % normNumGroups !== 0);
  if (bad !== undefined) {
    throw new ConfigError({
      argument: '--channels',
      expected: `channel counts divisible by --norm-groups (${normNumGroups})`,
      received: blockOutChannels.join(','),
    });
  }
  const attentionLevels = readString(values, 'attention', String(blockOutChannels.length - 1))
    .split(',')
    .filter((part) => part.trim() !== '' && part.trim() !== 'none')
    .map((part) => {
      const level = Number(part);
      if (!Number.isInteger(level) || level < 0 || level >= blockOutChannels.length) {
        throw new ConfigError({
          argument: '--attention',
          expected: `level indices in [0, ${blockOutChannels.length - 1}] (comma-separated) or none`,
          received: part,
        });
      }
      return level;
    });
  const steps = readInteger(values, 'steps', defaults.steps, { min: 1, max: 10_000_000 });
  return {
    data,
    dataDir: readString(values, 'data-dir'),
    limit: readOptionalInteger(values, 'limit', { min: 1 }),
    out: resolve(readString(values, 'out', defaults.out)),
    steps,
    batchSize: readInteger(values, 'batch-size', defaults.batchSize, { min: 1, max: 65_536 }),
    learningRate: readNumber(values, 'learning-rate', defaults.learningRate, { min: 1e-8, max: 1 }),
    warmupSteps: readInteger(values, 'warmup-steps', Math.min(defaults.warmupSteps, Math.floor(steps / 10)), {
      min: 0,
    }),
    decay: readChoice(values, 'decay', ['constant', 'cosine'] as const, 'cosine'),
    emaMaxDecay: readNumber(values, 'ema-decay', defaults.emaDecay, { min: 0, max: 1 }),
    maxGradNorm: readNumber(values, 'max-grad-norm', 1, { min: 1e-6 }),
    seed: readSeed(values, 0),
    numTrainTimesteps: readInteger(values, 'train-timesteps', 1000, { min: 2, max: 100_000 }),
    betaSchedule: readChoice(values, 'beta-schedule', BETA_SCHEDULES as readonly BetaScheduleName[], 'linear'),
    predictionType: readChoice(values, 'prediction', PREDICTION_CHOICES, 'epsilon'),
    blockOutChannels,
    layersPerBlock: readInteger(values, 'layers-per-block', 1, { min: 1, max: 8 }),
    attentionLevels,
    normNumGroups,
    hiddenSize: readInteger(values, 'hidden-size', 128, { min: 1, max: 4096 }),
    numLayers: readInteger(values, 'layers', 3, { min: 1, max: 32 }),
    checkpointEvery: readInteger(values, 'checkpoint-every', 500, { min: 1 }),
    resume: readBoolean(values, 'resume'),
    commandLine,
    backend: '',
  };
}

/** The `diffuse train` command. */
export const trainCommand: Command<TrainSettings> = {
  spec: {
    name: 'train',
    summary: 'Train a diffusion model (U-Net on Fashion-MNIST, or an MLP on 2-D toy data)',
    description:
      'Trains with Adam, linear warmup and cosine decay, gradient clipping and an EMA of the weights.\n' +
      'Writes into --out: the EMA model as a diffusers folder (config.json, diffusion_pytorch_model.safetensors,\n' +
      'scheduler_config.json), training.json (command, time, throughput, loss curve), metrics.jsonl, and\n' +
      'checkpoints/ (resume an interrupted run with --resume and the same flags).',
    flags: {
      data: {
        type: 'string',
        valueName: 'NAME',
        description: `Dataset: ${DATA_CHOICES.join(', ')}`,
        defaultText: 'fashion-mnist',
      },
      out: { type: 'string', valueName: 'DIR', description: 'Output folder', defaultText: './diffuse-<data>' },
      steps: {
        type: 'string',
        valueName: 'N',
        description: 'Optimiser steps',
        defaultText: '3000 images, 1500 points',
      },
      'batch-size': {
        type: 'string',
        valueName: 'N',
        description: 'Examples per step',
        defaultText: '32 images, 256 points',
      },
      'learning-rate': {
        type: 'string',
        valueName: 'LR',
        description: 'Peak learning rate',
        defaultText: '0.001 images, 0.002 points',
      },
      'warmup-steps': {
        type: 'string',
        valueName: 'N',
        description: 'Linear warmup steps',
        defaultText: 'min(200, steps/10)',
      },
      decay: {
        type: 'string',
        valueName: 'KIND',
        description: 'Learning-rate decay: constant, cosine',
        defaultText: 'cosine',
      },
      'ema-decay': {
        type: 'string',
        valueName: 'D',
        description: 'Largest EMA decay',
        defaultText: '0.999 images, 0.995 points',
      },
      'max-grad-norm': {
        type: 'string',
        valueName: 'X',
        description: 'Clip gradients to this global norm',
        defaultText: '1',
      },
      seed: {
        type: 'string',
        valueName: 'N',
        description: 'Seed of weights, data order, timesteps and noise',
        defaultText: '0',
      },
      'train-timesteps': { type: 'string', valueName: 'T', description: 'Diffusion timesteps', defaultText: '1000' },
      'beta-schedule': {
        type: 'string',
        valueName: 'NAME',
        description: `β schedule: ${BETA_SCHEDULES.join(', ')}`,
        defaultText: 'linear',
      },
      prediction: {
        type: 'string',
        valueName: 'TYPE',
        description: 'Target: epsilon, sample, v_prediction',
        defaultText: 'epsilon',
      },
      channels: { type: 'string', valueName: 'LIST', description: 'U-Net block_out_channels', defaultText: '16,32,64' },
      'layers-per-block': {
        type: 'string',
        valueName: 'N',
        description: 'U-Net ResNet blocks per level',
        defaultText: '1',
      },
      attention: {
        type: 'string',
        valueName: 'LIST',
        description: 'U-Net levels with self-attention (or none)',
        defaultText: 'the last',
      },
      'norm-groups': { type: 'string', valueName: 'N', description: 'U-Net GroupNorm groups', defaultText: '8' },
      'hidden-size': { type: 'string', valueName: 'N', description: 'MLP width (2-D data)', defaultText: '128' },
      layers: { type: 'string', valueName: 'N', description: 'MLP hidden layers (2-D data)', defaultText: '3' },
      'checkpoint-every': {
        type: 'string',
        valueName: 'N',
        description: 'Steps between checkpoints',
        defaultText: '500',
      },
      resume: { type: 'boolean', description: 'Continue from the latest checkpoint in --out' },
      'data-dir': dataDirFlag(),
      limit: { type: 'string', valueName: 'N', description: 'Use only the first N training images' },
    },
    examples: [
      'diffuse train --data fashion-mnist --steps 3000 --out ./fashion-unet',
      'diffuse train --data two-moons --steps 2000 --out ./moons',
      'diffuse train --data fashion-mnist --out ./fashion-unet --resume',
    ],
  },
  parse(values) {
    const flags = Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => (value === true ? `--${name}` : `--${name} ${String(value)}`));
    return readTrainSettings(values, ['diffuse train', ...flags].join(' '));
  },
  async run(settings, context) {
    const choice = await activateBackend(context);
    // Ctrl-C stops after the current step; the checkpoint and the model are still written.
    const controller = new AbortController();
    const interrupt = () => controller.abort();
    process.once('SIGINT', interrupt);
    let summary: Awaited<ReturnType<typeof trainModel>>;
    try {
      summary = await trainModel({ ...settings, backend: choice.backend }, context.stderr, controller.signal);
    } finally {
      process.removeListener('SIGINT', interrupt);
    }
    context.stdout(
      [
        `model: ${summary.modelDirectory} (${summary.parameters.toLocaleString('en-US')} parameters, EMA weights)`,
        `steps: ${summary.steps} in ${formatDuration(summary.seconds)} on ${choice.backend} (${summary.examplesPerSecond.toFixed(1)} examples/s)`,
        `loss: ${summary.firstLoss.toFixed(4)} → ${summary.finalLoss.toFixed(4)}; by tenths: ${summary.lossCurve.map((loss) => loss.toFixed(4)).join(' ')}`,
        '',
      ].join('\n'),
    );
  },
};
