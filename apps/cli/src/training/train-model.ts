/**
 * What `diffuse train` does: builds the dataset, the denoiser and @diffuse/train's `Trainer`, runs
 * `runTraining` with a progress bar, JSONL metrics and checkpoints (resumable), and writes the EMA
 * weights as a diffusers model folder plus `training.json` (the command, time, backend, throughput).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DenoiserInput, PredictionType } from '@diffuse/core';
import { disposeAll } from '@diffuse/core';
import { MlpDenoiser } from '@diffuse/models';
import { UNet2DModel } from '@diffuse/models/node';
import { type BetaScheduleName, createSchedule } from '@diffuse/schedules';
import {
  type PeriodicHook,
  runTraining,
  type StepMetrics,
  ToyDataset,
  type ToyDistribution,
  type TrainableModel,
  Trainer,
  type TrainingDataset,
} from '@diffuse/train';
import {
  type ExportModelInput,
  fashionMnistDataset,
  JsonlMetricsWriter,
  latestCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from '@diffuse/train/node';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ProgressBar, type ProgressStream } from '../cli/progress.js';
import { saveDenoiserFolder, trainingSchedulerConfig } from './denoiser-folder.js';

/** Everything `diffuse train` is told. */
export interface TrainSettings {
  data: 'fashion-mnist' | ToyDistribution;
  dataDir: string | undefined;
  /** Use only the first N training images (Fashion-MNIST). */
  limit: number | undefined;
  out: string;
  steps: number;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  decay: 'constant' | 'cosine';
  emaMaxDecay: number;
  maxGradNorm: number;
  seed: number;
  numTrainTimesteps: number;
  betaSchedule: BetaScheduleName;
  predictionType: PredictionType;
  /** U-Net (images). */
  blockOutChannels: number[];
  layersPerBlock: number;
  /** Indices of the levels with self-attention. */
  attentionLevels: number[];
  normNumGroups: number;
  /** MLP (2-D data). */
  hiddenSize: number;
  numLayers: number;
  checkpointEvery: number;
  resume: boolean;
  /** The command line, recorded in training.json. */
  commandLine: string;
  backend: string;
}

/** The result of a training run. */
export interface TrainSummary {
  steps: number;
  seconds: number;
  examplesPerSecond: number;
  firstLoss: number;
  finalLoss: number;
  /** Mean loss of each tenth of the run (the loss curve in ten numbers). */
  lossCurve: number[];
  parameters: number;
  modelDirectory: string;
}

/** The diffusers U-Net config for Fashion-MNIST-sized images from the settings. */
export function unetConfigFor(settings: TrainSettings, imageSize: number, channels: number): Record<string, unknown> {
  const levels = settings.blockOutChannels.length;
  const attention = new Set(settings.attentionLevels);
  return {
    sampleSize: imageSize,
    inChannels: channels,
    outChannels: channels,
    layersPerBlock: settings.layersPerBlock,
    blockOutChannels: settings.blockOutChannels,
    normNumGroups: settings.normNumGroups,
    downBlockTypes: Array.from({ length: levels }, (_, level) =>
      attention.has(level) ? 'AttnDownBlock2D' : 'DownBlock2D',
    ),
    upBlockTypes: Array.from({ length: levels }, (_, index) =>
      attention.has(levels - 1 - index) ? 'AttnUpBlock2D' : 'UpBlock2D',
    ),
    attentionHeadDim: 8,
  };
}

async function buildDataset(settings: TrainSettings): Promise<TrainingDataset> {
  if (settings.data === 'fashion-mnist') {
    return fashionMnistDataset({
      seed: settings.seed,
      ...(settings.dataDir === undefined ? {} : { directory: settings.dataDir }),
      ...(settings.limit === undefined ? {} : { limit: settings.limit }),
    });
  }
  return new ToyDataset({ distribution: settings.data, seed: settings.seed });
}

/** Mean of each of `parts` consecutive chunks of `values`. */
export function summariseCurve(values: readonly number[], parts = 10): number[] {
  if (values.length === 0) return [];
  const size = Math.max(1, Math.ceil(values.length / parts));
  const result: number[] = [];
  for (let start = 0; start < values.length; start += size) {
    const chunk = values.slice(start, start + size);
    result.push(chunk.reduce((total, value) => total + value, 0) / chunk.length);
  }
  return result;
}

/** The model as the trainer sees it: the U-Net's trainable weights keyed by their diffusers names. */
function trainableOf(model: UNet2DModel | MlpDenoiser): TrainableModel {
  // Unconditional training: the dataset's class labels are not passed on.
  const predict = ({ classLabels: _unused, ...input }: DenoiserInput) => model.predict(input);
  if (model instanceof MlpDenoiser) return { predict, namedVariables: model.namedVariables };
  const namedVariables = Object.fromEntries([...model.parameters()].filter(([, variable]) => variable.trainable));
  return {
    predict,
    trainableVariables: Object.values(namedVariables),
    namedVariables,
  };
}

/**
 * Writes `weights` (trainer names: diffusers names for the U-Net) as a model folder shaped like
 * `model`, with `schedulerConfig`. Used for checkpoints' `model/` and `ema_model/` and the final export.
 */
async function exportModelFolder(
  model: UNet2DModel | MlpDenoiser,
  schedulerConfig: Record<string, unknown>,
  input: Pick<ExportModelInput, 'directory' | 'weights'>,
): Promise<void> {
  const weightValues = async (name: string, fallback: Tensor) =>
    (await (input.weights[name] ?? fallback).data()) as Float32Array;
  const values = new Map<string, Float32Array>();
  const source = model instanceof MlpDenoiser ? Object.entries(model.namedVariables) : [...model.parameters()];
  for (const [name, variable] of source) values.set(name, await weightValues(name, variable));
  const copy =
    model instanceof MlpDenoiser
      ? MlpDenoiser.fromConfigAndWeights({
          config: model.toConfigJson(),
          weights: new Map(
            source.map(([name, variable]) => [name, { shape: variable.shape, data: values.get(name)! }]),
          ),
        })
      : new UNet2DModel(model.unetConfig, { initialValues: values });
  try {
    await saveDenoiserFolder(input.directory, copy, schedulerConfig);
  } finally {
    copy.dispose();
  }
}

/**
 * Trains a model per `settings`, writing into `settings.out`: `checkpoints/` (resumable), `metrics.jsonl`,
 * and the EMA model (`config.json`, `diffusion_pytorch_model.safetensors`, `scheduler_config.json`,
 * `training.json`). When `signal` aborts, training stops after the current step and the same files are
 * written for the steps done.
 */
export async function trainModel(
  settings: TrainSettings,
  stream: ProgressStream,
  signal?: AbortSignal,
): Promise<TrainSummary> {
  const dataset = await buildDataset(settings);
  const [height, , channels] = dataset.exampleShape;
  const model =
    settings.data === 'fashion-mnist'
      ? new UNet2DModel(unetConfigFor(settings, height, channels), { seed: settings.seed })
      : new MlpDenoiser({
          config: { dimension: channels, hiddenSize: settings.hiddenSize, numLayers: settings.numLayers },
          seed: settings.seed,
        });
  const schedule = createSchedule({
    numTrainTimesteps: settings.numTrainTimesteps,
    betaSchedule: settings.betaSchedule,
  });
  const schedulerConfig = trainingSchedulerConfig({
    numTrainTimesteps: settings.numTrainTimesteps,
    betaSchedule: settings.betaSchedule,
    predictionType: settings.predictionType,
    clipSample: settings.data === 'fashion-mnist',
  });
  const trainer = new Trainer({
    model: trainableOf(model),
    dataset,
    schedule,
    predictionType: settings.predictionType,
    batchSize: settings.batchSize,
    seed: settings.seed,
    learningRate: {
      learningRate: settings.learningRate,
      warmupSteps: settings.warmupSteps,
      decay: settings.decay,
      totalSteps: settings.steps,
    },
    maxGradNorm: settings.maxGradNorm,
    ema: { maxDecay: settings.emaMaxDecay },
  });
  const checkpointDirectory = join(settings.out, 'checkpoints');
  const checkpoint = () =>
    saveCheckpoint({
      directory: checkpointDirectory,
      trainer,
      config: { command: settings.commandLine },
      keepLast: 1,
      exportModel: (input) => exportModelFolder(model, schedulerConfig, input),
    });
  try {
    if (settings.resume) {
      const latest = await latestCheckpoint(checkpointDirectory);
      if (latest !== undefined) {
        const { state } = await loadCheckpoint(latest);
        trainer.setState(state);
        disposeAll(state);
        stream.write(`resumed from ${latest} (step ${trainer.step})\n`);
      }
    }
    const startStep = trainer.step;
    const metrics = new JsonlMetricsWriter(join(settings.out, 'metrics.jsonl'));
    const bar = new ProgressBar({ label: 'train', total: settings.steps, start: startStep, unit: 'step', stream });
    const losses: number[] = [];
    let last: StepMetrics | undefined;
    const hooks: PeriodicHook[] = [
      {
        every: settings.checkpointEvery,
        run: async () => {
          await checkpoint();
        },
      },
    ];
    const started = performance.now();
    await runTraining({
      trainer,
      untilStep: settings.steps,
      metricsEvery: Math.max(1, Math.min(10, Math.floor(settings.steps / 100))),
      hooks,
      ...(signal === undefined ? {} : { signal }),
      onMetrics: async (step) => {
        last = step;
        losses.push(step.loss);
        await metrics.write(step);
        bar.update(step.step, `loss ${step.loss.toFixed(4)} ${step.examplesPerSecond.toFixed(1)} ex/s`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    bar.finish();
    if (signal?.aborted)
      stream.write(`interrupted at step ${trainer.step}: saving a checkpoint (continue with --resume)\n`);
    if (trainer.step % settings.checkpointEvery !== 0) await checkpoint();
    // The model to sample with: the averaged (EMA) weights.
    await exportModelFolder(model, schedulerConfig, {
      directory: settings.out,
      weights: trainer.ema?.averagedVariables ?? trainer.variables,
    });
    const trained = trainer.step - startStep;
    const summary: TrainSummary = {
      steps: trainer.step,
      seconds,
      examplesPerSecond: (trained * settings.batchSize) / Math.max(seconds, 1e-9),
      firstLoss: losses[0] ?? Number.NaN,
      finalLoss: last?.loss ?? Number.NaN,
      lossCurve: summariseCurve(losses),
      parameters: model instanceof UNet2DModel ? model.numParameters : countMlpParameters(model),
      modelDirectory: settings.out,
    };
    const { modelDirectory: _absolute, ...portable } = summary;
    const record = {
      command: settings.commandLine,
      backend: settings.backend,
      data: settings.data,
      ...portable,
      lossCurve: summary.lossCurve.map((value) => Number(value.toFixed(5))),
      finishedAt: new Date().toISOString(),
    };
    await writeFile(join(settings.out, 'training.json'), `${JSON.stringify(record, null, 2)}\n`);
    return summary;
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

function countMlpParameters(model: MlpDenoiser): number {
  return model.trainableVariables.reduce((total, variable) => total + variable.size, 0);
}
