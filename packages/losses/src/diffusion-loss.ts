/**
 * The diffusion training loss: prediction vs target (ε, x₀ or v), per-element MSE or Huber, optional
 * Min-SNR-γ weighting, per-example weights and an element mask, reduced to a scalar or per example.
 *
 * Legend (B examples, element i of example b):
 *   L_bi  per-element loss (see `elementwise-loss.ts`)     M_bi  mask (1 keeps, 0 drops; fractions weight)
 *   w_b   per-example weight (`weights`)                   s_b   Min-SNR-γ weight of example b's timestep
 *
 *   ℓ_b = w_b · s_b · Σ_i M_bi·L_bi / Σ_i M_bi      (per-example masked mean; 0 when Σ_i M_bi = 0)
 *   reduction 'none' → [ℓ_1 … ℓ_B]    'sum' → Σ_b ℓ_b    'mean' → (1/B)·Σ_b ℓ_b
 *
 * Without a mask Σ_i M_bi is the number of elements per example, so 'mean' with no weights is exactly
 * DDPM's L_simple (Ho et al. 2020, eq. (14)) as `F.mse_loss(..., reduction="mean")`; with Min-SNR-γ it is
 * diffusers' `(mse.mean(non-batch dims) * mse_loss_weights).mean()`; with a mask it is diffusers'
 * inpainting form `((loss * mask).sum(dims) / mask.sum(dims)).mean()`. Weights multiply and are not
 * normalised (the 'mean' divides by B, not by Σ w_b).
 */
import type { LossInput, LossReduction, NoiseSchedule, PredictionType, Timesteps } from '@diffuse/core';
import { ConfigError, requireFinite, requireOneOf, requirePositive, ShapeError } from '@diffuse/core';
import { PREDICTION_TYPES, perTimestep } from '@diffuse/forward';
import {
  broadcastTo,
  cast,
  greater,
  onesLike,
  type Tensor,
  type Tensor1D,
  tensor1d,
  tidy,
  where,
} from '@tensorflow/tfjs-core';
import { DEFAULT_HUBER_DELTA, elementwiseLoss, LOSS_KINDS, type LossKind } from './elementwise-loss.js';
import { minSnrWeight, signalToNoiseRatios } from './min-snr.js';

/** Timestep weighting: none, or Min-SNR-γ (Hang et al. 2023). */
export type LossWeighting = 'none' | { type: 'min_snr'; gamma: number };

/** Options of {@link diffusionLoss}. */
export interface DiffusionLossOptions {
  /** The model output, [B, ...] (NHWC for images). */
  prediction: Tensor;
  /** The target (see `targetFor`), the shape of `prediction`. */
  target: Tensor;
  /** What the model predicts; selects the Min-SNR-γ formula. Default `epsilon`. */
  predictionType?: PredictionType;
  /** Each example's timestep (Min-SNR-γ): one number, B numbers, or a 1-D int32 tensor of B. */
  timesteps?: Timesteps;
  /** The schedule the timesteps index (Min-SNR-γ). */
  schedule?: NoiseSchedule;
  /** Timestep weighting, default `'none'`. `{ type: 'min_snr', gamma: 5 }` needs `schedule` and `timesteps`. */
  weighting?: LossWeighting;
  /** Per-element loss, default `mse`. */
  kind?: LossKind;
  /** δ of `huber` (default 1) or c of `pseudo_huber` (default 0.1); only with those kinds. */
  huberDelta?: number;
  /** Per-example weights w_b, B numbers or a [B] tensor (not normalised). */
  weights?: Tensor1D | readonly number[];
  /** Element mask broadcastable to `prediction` (e.g. [B, H, W, 1]); 1 keeps, 0 drops. Bool or float. */
  mask?: Tensor;
  /** `mean` (default, a scalar), `sum` (a scalar), or `none` (one loss per example, [B]). */
  reduction?: LossReduction;
}

const REDUCTIONS = ['mean', 'sum', 'none'] as const satisfies readonly LossReduction[];

const OPTION_KEYS: readonly (keyof DiffusionLossOptions)[] = [
  'prediction',
  'target',
  'predictionType',
  'timesteps',
  'schedule',
  'weighting',
  'kind',
  'huberDelta',
  'weights',
  'mask',
  'reduction',
];

/** A misspelt option would silently fall back to its default: refuse it. */
function checkOptionKeys(options: object): void {
  for (const key of Object.keys(options)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError({
        argument: key,
        expected: `an option of diffusionLoss (${OPTION_KEYS.join(', ')})`,
        received: key,
      });
    }
  }
}

/**
 * The diffusion training loss (see the module comment for the exact formulas). Differentiable with
 * respect to `prediction` (use it inside `tf.variableGrads`); returns a new tensor, disposes nothing.
 *
 * @example
 * const target = targetFor({ predictionType: 'epsilon', original: x0, noise, timesteps, schedule });
 * const { value, grads } = tf.variableGrads(() =>
 *   diffusionLoss({ prediction: model.predict({ sample: noisy, timestep: timesteps }), target,
 *     timesteps, schedule, weighting: { type: 'min_snr', gamma: 5 } }) as tf.Scalar);
 */
export function diffusionLoss(options: DiffusionLossOptions): Tensor {
  checkOptionKeys(options);
  const { prediction, target, mask } = options;
  const predictionType = requireOneOf('predictionType', options.predictionType ?? 'epsilon', PREDICTION_TYPES);
  const kind = requireOneOf('kind', options.kind ?? 'mse', LOSS_KINDS);
  const reduction = requireOneOf('reduction', options.reduction ?? 'mean', REDUCTIONS);
  const huberDelta = checkHuberDelta(kind, options.huberDelta);
  checkShapes(prediction, target, mask);
  const batch = prediction.shape[0]!;
  const weights = options.weights;
  checkWeights(weights, batch);
  const weighting = options.weighting ?? 'none';
  const gamma = checkWeighting(weighting, options);

  return tidy(() => {
    const perElement = elementwiseLoss({ prediction, target, kind, huberDelta });
    const axes = prediction.shape.slice(1).map((_, i) => i + 1);
    let perExample: Tensor;
    if (mask === undefined) {
      perExample = axes.length > 0 ? perElement.mean(axes) : perElement;
    } else {
      const kept = broadcastTo(mask.dtype === 'float32' ? mask : cast(mask, 'float32'), prediction.shape);
      const sum = axes.length > 0 ? perElement.mul(kept).sum(axes) : perElement.mul(kept);
      const count = axes.length > 0 ? kept.sum(axes) : kept;
      // An example with nothing kept has loss 0 (and gradient 0), not 0/0.
      perExample = sum.div(where(greater(count, 0), count, onesLike(count)));
    }
    if (gamma !== undefined) {
      const snr = signalToNoiseRatios(options.schedule!);
      // A number, or a [B] (or [1]) tensor: rank 1, like `perExample`.
      const coefficient = perTimestep({
        schedule: options.schedule!,
        timesteps: options.timesteps!,
        batch,
        rank: 1,
        argument: 'timesteps',
        value: (t) => minSnrWeight({ snr: snr[t]!, gamma, predictionType }),
      });
      perExample = perExample.mul(coefficient);
    }
    if (weights !== undefined) {
      perExample = perExample.mul(Array.isArray(weights) ? tensor1d(weights as number[]) : (weights as Tensor1D));
    }
    if (reduction === 'none') return perExample;
    return reduction === 'sum' ? perExample.sum() : perExample.mean();
  });
}

/**
 * A {@link diffusionLoss} with fixed settings, as the core `Loss` spec: `(input: LossInput) => Tensor`.
 * The input's `timesteps`, `weights` and `mask` are used per call.
 *
 * @example
 * const loss = createDiffusionLoss({ predictionType: 'v_prediction', schedule, weighting: { type: 'min_snr', gamma: 5 } });
 * const value = loss({ prediction, target, timesteps });
 */
export function createDiffusionLoss(
  settings: Omit<DiffusionLossOptions, 'prediction' | 'target' | 'timesteps' | 'weights' | 'mask'> = {},
): (input: LossInput) => Tensor {
  // Validate the fixed settings once, eagerly, so a bad option fails at construction.
  checkOptionKeys(settings);
  requireOneOf('predictionType', settings.predictionType ?? 'epsilon', PREDICTION_TYPES);
  requireOneOf('reduction', settings.reduction ?? 'mean', REDUCTIONS);
  checkHuberDelta(requireOneOf('kind', settings.kind ?? 'mse', LOSS_KINDS), settings.huberDelta);
  const weighting = settings.weighting ?? 'none';
  if (weighting !== 'none') {
    checkWeighting(weighting, { schedule: settings.schedule, timesteps: 0 });
  }
  return (input: LossInput) => diffusionLoss({ ...settings, ...input });
}

function checkHuberDelta(kind: LossKind, value: number | undefined): number {
  if (kind === 'mse') {
    if (value !== undefined) {
      throw new ConfigError({
        argument: 'huberDelta',
        expected: 'no huberDelta with kind "mse"',
        received: value,
        hint: 'Use kind "huber" or "pseudo_huber"',
      });
    }
    return 0;
  }
  if (value === undefined) return DEFAULT_HUBER_DELTA[kind];
  return requirePositive('huberDelta', value);
}

function checkShapes(prediction: Tensor, target: Tensor, mask: Tensor | undefined): void {
  if (prediction.rank < 1 || prediction.shape[0] === 0 || prediction.size === 0) {
    throw new ShapeError({
      argument: 'prediction',
      expected: 'a non-empty tensor [B, ...] with B ≥ 1',
      received: prediction.shape,
    });
  }
  const same = prediction.rank === target.rank && prediction.shape.every((d, i) => d === target.shape[i]);
  if (!same) {
    throw new ShapeError({
      argument: 'target',
      expected: `the shape of prediction [${prediction.shape.join(', ')}]`,
      received: target.shape,
      hint: 'A learned-variance model outputs 2·C channels: split off the first C before the loss',
    });
  }
  if (prediction.dtype !== 'float32' || target.dtype !== 'float32') {
    throw new ShapeError({
      argument: prediction.dtype !== 'float32' ? 'prediction' : 'target',
      expected: 'a float32 tensor',
      received: prediction.dtype !== 'float32' ? prediction.dtype : target.dtype,
    });
  }
  if (mask !== undefined) {
    const offset = prediction.rank - mask.rank;
    const broadcastable = offset >= 0 && mask.shape.every((d, i) => d === 1 || d === prediction.shape[offset + i]);
    if (!broadcastable) {
      throw new ShapeError({
        argument: 'mask',
        expected: `a shape broadcastable to prediction [${prediction.shape.join(', ')}]`,
        received: mask.shape,
      });
    }
  }
}

function checkWeights(weights: Tensor1D | readonly number[] | undefined, batch: number): void {
  if (weights === undefined) return;
  if (Array.isArray(weights)) {
    if (weights.length !== batch) {
      throw new ShapeError({ argument: 'weights', expected: `${batch} per-example weights`, received: weights });
    }
    for (const [i, weight] of weights.entries()) requireFinite(`weights[${i}]`, weight);
    return;
  }
  const tensor = weights as Tensor1D;
  if (tensor.rank !== 1 || tensor.shape[0] !== batch) {
    throw new ShapeError({
      argument: 'weights',
      expected: `a [${batch}] tensor (one weight per example)`,
      received: tensor.shape,
    });
  }
  if (tensor.dtype !== 'float32') {
    throw new ShapeError({ argument: 'weights', expected: 'a float32 tensor', received: tensor.dtype });
  }
}

/** Returns γ for Min-SNR-γ weighting (checking that schedule and timesteps are given), else undefined. */
function checkWeighting(
  weighting: LossWeighting,
  options: { schedule?: NoiseSchedule | undefined; timesteps?: Timesteps | undefined },
): number | undefined {
  if (weighting === 'none') return undefined;
  if (typeof weighting !== 'object' || weighting === null || weighting.type !== 'min_snr') {
    throw new ConfigError({
      argument: 'weighting',
      expected: `'none' or { type: 'min_snr', gamma }`,
      received: weighting,
    });
  }
  const gamma = requirePositive('weighting.gamma', weighting.gamma);
  for (const name of ['schedule', 'timesteps'] as const) {
    if (options[name] === undefined) {
      throw new ConfigError({ argument: name, expected: `a ${name} for Min-SNR-γ weighting`, received: undefined });
    }
  }
  return gamma;
}
