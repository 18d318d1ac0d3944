/**
 * The training loop. One optimiser step, readable top to bottom (Ho et al. 2020, Algorithm 1):
 *
 *  for each of `gradientAccumulationSteps` micro-batches:
 *    1. take the next examples x₀ from the dataset (a pure function of the step)
 *    2. draw t ~ U{0, …, T−1} and ε ~ N(0, I) from the seeded counter-based generator
 *    3. x_t = addNoise(x₀, ε, t) (`@diffuse/forward`);  prediction = model(x_t, t)
 *    4. loss = loss(prediction, targetFor(x₀, ε, t)) / gradientAccumulationSteps (`@diffuse/losses`);
 *       accumulate ∇loss
 *  5. clip the summed gradients by global norm (optional)
 *  6. Adam/AdamW update with the scheduled learning rate
 *  7. update the EMA of the weights (optional)
 *
 * Everything random is keyed by (seed, step, example index), so N steps in one run and k steps +
 * resume + N − k steps give the same weights, and two half-batches accumulated equal one full batch.
 */
import {
  type Loss,
  NoiseGenerator,
  type NoiseSchedule,
  type PredictionType,
  requireFinite,
  requireInteger,
  requireOneOf,
  StateError,
  ValueError,
} from '@diffuse/core';
import { addNoise, PREDICTION_TYPES } from '@diffuse/forward';
import { createDiffusionLoss, targetFor } from '@diffuse/losses';
import {
  clone,
  type Scalar,
  type Tensor,
  type Tensor4D,
  tensor1d,
  tensor4d,
  tidy,
  type Variable,
  variableGrads,
  zerosLike,
} from '@tensorflow/tfjs-core';
import type { TrainingDataset } from './data/dataset.js';
import { AdamOptimizer, type AdamOptions, type AdamState } from './optim/adam.js';
import { type EmaOptions, ExponentialMovingAverage } from './optim/ema.js';
import { clipByGlobalNorm } from './optim/gradient-clipping.js';
import {
  type LearningRateScheduleOptions,
  learningRateAt,
  validateLearningRateSchedule,
} from './optim/learning-rate.js';
import { namedVariablesOf, type TrainableModel } from './trainable-model.js';

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  /** The denoiser to train (its variables are updated in place). */
  model: TrainableModel;
  dataset: TrainingDataset;
  /** The noise schedule: timesteps are drawn from {0, …, numTrainTimesteps − 1}. */
  schedule: NoiseSchedule;
  /** What the model predicts: ε (default), x₀ (`sample`) or v (`v_prediction`); selects the target. */
  predictionType?: PredictionType;
  /**
   * Prediction vs target → scalar. Default: `createDiffusionLoss({ predictionType, schedule })` of
   * `@diffuse/losses` (plain MSE); pass e.g. `createDiffusionLoss({ …, weighting: { type: 'min_snr', gamma: 5 } })`.
   */
  loss?: Loss;
  /** Examples per micro-batch; an optimiser step sees `batchSize · gradientAccumulationSteps`. */
  batchSize: number;
  /** Seed of timesteps and noise (the dataset has its own seed). */
  seed: number;
  /** Peak learning rate, warmup and decay. */
  learningRate: LearningRateScheduleOptions;
  /** Adam/AdamW options (default AdamW without weight decay, i.e. Adam). */
  optimizer?: AdamOptions;
  /** Clip gradients to this global L2 norm (default: no clipping). */
  maxGradNorm?: number;
  /** Micro-batches per optimiser step (default 1). */
  gradientAccumulationSteps?: number;
  /** Keep an EMA of the weights (default: none). */
  ema?: EmaOptions;
}

/** What one optimiser step produced; the tensors belong to the caller. */
export interface StepResult {
  /** Steps completed, counting this one. */
  step: number;
  learningRate: number;
  /** Mean loss over the step's examples. */
  loss: Scalar;
  /** Global gradient norm before clipping (when `maxGradNorm` is set). */
  gradientNorm: Scalar | undefined;
  /** EMA decay used (when EMA is on). */
  emaDecay: number | undefined;
}

/** Everything a checkpoint holds; tensors are copies owned by the holder. */
export interface TrainerState {
  step: number;
  seed: number;
  model: Record<string, Tensor>;
  optimizer: AdamState;
  ema: { step: number; weights: Record<string, Tensor> } | undefined;
}

/**
 * Trains a denoiser. `await trainer.trainStep()` runs one optimiser step; {@link runTraining} adds
 * metrics and periodic hooks.
 *
 * @example
 * const trainer = new Trainer({ model, dataset, schedule: createSchedule(), batchSize: 256, seed: 0,
 *   learningRate: { learningRate: 1e-3, warmupSteps: 100, decay: 'cosine', totalSteps: 3000 } });
 * const { loss } = await trainer.trainStep();
 * console.log((await loss.data())[0]);
 * loss.dispose();
 * trainer.dispose(); // frees optimiser and EMA state, not the model
 */
export class Trainer {
  readonly options: Readonly<TrainerOptions>;
  readonly variables: Readonly<Record<string, Variable>>;
  readonly optimizer: AdamOptimizer;
  readonly ema: ExponentialMovingAverage | undefined;
  readonly predictionType: PredictionType;
  private readonly loss: Loss;
  private readonly generator: NoiseGenerator;
  private readonly accumulation: number;
  private currentStep = 0;
  private disposed = false;

  constructor(options: TrainerOptions) {
    requireInteger('batchSize', options.batchSize, { min: 1 });
    requireInteger('schedule.numTrainTimesteps', options.schedule.numTrainTimesteps, { min: 1 });
    this.predictionType = requireOneOf('predictionType', options.predictionType ?? 'epsilon', PREDICTION_TYPES);
    this.loss =
      options.loss ?? createDiffusionLoss({ predictionType: this.predictionType, schedule: options.schedule });
    if (options.maxGradNorm !== undefined) requireFinite('maxGradNorm', options.maxGradNorm);
    validateLearningRateSchedule(options.learningRate);
    this.accumulation = requireInteger('gradientAccumulationSteps', options.gradientAccumulationSteps ?? 1, { min: 1 });
    this.options = options;
    this.variables = namedVariablesOf(options.model);
    this.generator = new NoiseGenerator(options.seed);
    this.optimizer = new AdamOptimizer({ variables: this.variables, options: options.optimizer });
    this.ema = options.ema
      ? new ExponentialMovingAverage({ variables: this.variables, options: options.ema })
      : undefined;
  }

  /** Optimiser steps completed. */
  get step(): number {
    return this.currentStep;
  }

  /** The learning rate the next step will use. */
  get learningRate(): number {
    return learningRateAt(this.currentStep, this.options.learningRate);
  }

  /** Runs one optimiser step (all micro-batches). */
  async trainStep(): Promise<StepResult> {
    this.assertLive();
    const { batchSize, maxGradNorm } = this.options;
    const step = this.currentStep;
    const names = Object.keys(this.variables);
    const variableList = names.map((name) => this.variables[name]!);
    let summed: Tensor[] | undefined;
    let lossSum: Tensor | undefined;
    for (let micro = 0; micro < this.accumulation; micro++) {
      const [loss, ...gradients] = this.microBatchGradients(step, micro * batchSize, variableList);
      if (summed === undefined || lossSum === undefined) {
        summed = gradients;
        lossSum = loss!;
      } else {
        const previous = [...summed, lossSum];
        const next = tidy(() => [lossSum!.add(loss!), ...summed!.map((sum, i) => sum.add(gradients[i]!))]);
        for (const t of [...previous, loss!, ...gradients]) t.dispose();
        lossSum = next[0]!;
        summed = next.slice(1);
      }
    }
    const gradients = Object.fromEntries(names.map((name, i) => [name, summed![i]!]));
    let gradientNorm: Scalar | undefined;
    let update = gradients;
    if (maxGradNorm !== undefined) {
      const clipped = clipByGlobalNorm({ gradients, maxNorm: maxGradNorm });
      gradientNorm = clipped.globalNorm;
      update = clipped.gradients;
    }
    const learningRate = learningRateAt(step, this.options.learningRate);
    this.optimizer.applyGradients({ gradients: update, learningRate });
    for (const t of new Set([...Object.values(gradients), ...Object.values(update)])) t.dispose();
    const emaDecay = this.ema?.update();
    this.currentStep = step + 1;
    return { step: this.currentStep, learningRate, loss: lossSum as Scalar, gradientNorm, emaDecay };
  }

  /** Loss (already divided by the accumulation count) and gradients of one micro-batch. */
  private microBatchGradients(step: number, offset: number, variableList: Variable[]): Tensor[] {
    const { batchSize, dataset, schedule, model } = this.options;
    const { loss, predictionType } = this;
    const start = step * batchSize * this.accumulation + offset;
    return tidy(() => {
      const batch = dataset.batch({ start, count: batchSize });
      const originalSamples = batch.sample;
      const timestepValues = this.generator.integerArray({
        shape: [batchSize],
        step,
        firstSample: offset,
        low: 0,
        high: schedule.numTrainTimesteps,
        stream: 'timesteps',
      });
      const timesteps = tensor1d(timestepValues, 'int32');
      const noiseShape = originalSamples.shape;
      const noise = tensor4d(this.generator.normalArray({ shape: noiseShape, step, firstSample: offset }), noiseShape);
      const noisy = addNoise({ schedule, original: originalSamples, noise, timesteps }) as Tensor4D;
      const target = targetFor({ predictionType, original: originalSamples, noise, timesteps, schedule });
      const { value, grads } = variableGrads(() => {
        const prediction = model.predict({
          sample: noisy,
          timestep: timesteps,
          classLabels: batch.classLabels,
          training: true,
        });
        return loss({ prediction, target, timesteps }).div(this.accumulation) as Scalar;
      }, variableList);
      // A variable the loss does not reach gets a zero gradient (PyTorch would leave `.grad` None).
      return [value, ...variableList.map((parameter) => grads[parameter.name] ?? zerosLike(parameter))];
    });
  }

  /** A copy of the whole training state (tensors owned by the caller: dispose with `disposeAll`). */
  getState(): TrainerState {
    this.assertLive();
    return {
      step: this.currentStep,
      seed: this.options.seed,
      model: Object.fromEntries(Object.entries(this.variables).map(([name, value]) => [name, clone(value)])),
      optimizer: this.optimizer.getState(),
      ema: this.ema?.getState(),
    };
  }

  /** Restores a state from {@link getState} or a checkpoint; copies its tensors. */
  setState(state: TrainerState): void {
    this.assertLive();
    if (state.seed !== this.options.seed) {
      throw new ValueError({
        argument: 'state.seed',
        expected: `the trainer's seed ${this.options.seed} (resuming with another seed changes the data order)`,
        received: state.seed,
      });
    }
    for (const [name, parameter] of Object.entries(this.variables)) {
      const value = state.model[name];
      if (!value || value.shape.join() !== parameter.shape.join()) {
        throw new ValueError({
          argument: `state.model.${name}`,
          expected: `a tensor of shape [${parameter.shape.join(', ')}]`,
          received: value,
        });
      }
      parameter.assign(value);
    }
    this.optimizer.setState(state.optimizer);
    if (this.ema) {
      if (!state.ema) {
        throw new ValueError({
          argument: 'state.ema',
          expected: 'EMA weights (the trainer keeps an EMA)',
          received: undefined,
        });
      }
      this.ema.setState(state.ema);
    }
    this.currentStep = requireInteger('state.step', state.step, { min: 0 });
  }

  /** Frees the optimiser and EMA state (the model stays with its owner). */
  dispose(): void {
    if (this.disposed) return;
    this.optimizer.dispose();
    this.ema?.dispose();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new StateError({ argument: 'trainer', expected: 'a live trainer', received: 'disposed' });
  }
}
