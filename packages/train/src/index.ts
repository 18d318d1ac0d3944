/**
 * @diffuse/train — a readable, reproducible diffusion training loop (Adam/AdamW, warmup + cosine
 * decay, gradient clipping and accumulation, EMA), datasets (2-D toys, in-memory images), and
 * evaluation metrics (energy distance, MMD, Fréchet distance). Browser-safe: file-system parts
 * (checkpoints, JSONL metrics, Fashion-MNIST and image-folder loaders) live in `@diffuse/train/node`.
 */
export type { BatchRange, TrainingBatch, TrainingDataset } from './data/dataset.js';
export { ImageDataset, type ImageDatasetOptions } from './data/image-dataset.js';
export {
  sampleToyPoints,
  TOY_DISTRIBUTIONS,
  ToyDataset,
  type ToyDistribution,
  type ToySampleOptions,
} from './data/toy-2d.js';
export {
  type FeatureStatistics,
  featureStatistics,
  frechetDistance,
  frechetDistanceFromStatistics,
} from './eval/frechet-distance.js';
export {
  energyDistance,
  maximumMeanDiscrepancy,
  medianPairwiseDistance,
  type PointSet,
} from './eval/sample-distances.js';
export { type SymmetricEigenResult, symmetricEigen } from './eval/symmetric-eigen.js';
export { AdamOptimizer, type AdamOptions, type AdamState } from './optim/adam.js';
export { type EmaOptions, ExponentialMovingAverage, emaDecay } from './optim/ema.js';
export { type ClippedGradients, clipByGlobalNorm } from './optim/gradient-clipping.js';
export {
  type LearningRateDecay,
  type LearningRateScheduleOptions,
  learningRateAt,
  type ResolvedLearningRateSchedule,
  validateLearningRateSchedule,
} from './optim/learning-rate.js';
export { type PeriodicHook, type RunTrainingOptions, runTraining, type StepMetrics } from './run-training.js';
export { namedVariablesOf, type TrainableModel } from './trainable-model.js';
export { type StepResult, Trainer, type TrainerOptions, type TrainerState } from './trainer.js';
