/**
 * The @diffuse spec: the contracts every package implements or consumes. Types only.
 *
 * Tensors are tfjs tensors in NHWC layout, float32, unless stated otherwise. Ownership: a function never
 * disposes its inputs and returns new tensors owned by the caller.
 */
import type { Tensor, Tensor1D, Tensor4D, Variable } from '@tensorflow/tfjs-core';

/** What a network predicts: the noise ε, the clean sample x₀ ("sample"), or the velocity v. */
export type PredictionType = 'epsilon' | 'sample' | 'v_prediction';

/**
 * A discrete noise schedule: plain numbers, no tensors.
 * Index `t` in `[0, numTrainTimesteps)` describes q(x_t | x_0) = N(√ᾱ_t·x₀, (1 − ᾱ_t)·I).
 */
export interface NoiseSchedule {
  readonly numTrainTimesteps: number;
  /** β_t, the variance of each single forward step. */
  readonly betas: Float64Array;
  /** α_t = 1 − β_t. */
  readonly alphas: Float64Array;
  /** ᾱ_t = ∏_{s ≤ t} α_s. */
  readonly alphasCumprod: Float64Array;
}

/** Timesteps: a scalar for the whole batch, one number per batch item, or an int32/float32 1-D tensor. */
export type Timesteps = number | readonly number[] | Tensor1D;

/** The inputs of one denoiser evaluation. */
export interface DenoiserInput {
  /** x_t, shape [batch, height, width, channels] (NHWC). */
  sample: Tensor4D;
  /** The timestep(s): scalar, or one per batch item. */
  timestep: Timesteps;
  /** Integer class labels, one per batch item (class-conditional models). */
  classLabels?: Tensor1D | readonly number[];
  /** Cross-attention context, [batch, tokens, dim] (text/other conditioning). */
  context?: Tensor;
  /** True while training (enables dropout). Default false. */
  training?: boolean;
}

/**
 * A network that, given x_t and t, predicts ε, x₀ or v (see {@link PredictionType}).
 * Its output has the sample's shape, or twice its channels for learned-variance models.
 */
export interface Denoiser {
  predict(input: DenoiserInput): Tensor4D;
  /** Trainable weights, for optimisers. Empty for fixed functions. */
  readonly trainableVariables?: readonly Variable[];
  dispose?(): void;
}

/** The result of one reverse step. */
export interface SamplerStepOutput {
  /** x_{t-1}. */
  prevSample: Tensor4D;
  /** The model's estimate of x₀ at this step, when the sampler computes one. */
  predOriginalSample?: Tensor4D;
}

/** Options of one reverse step. Pass `noise` or `generator`, not both. */
export interface SamplerStepOptions {
  /** η of DDIM (0: deterministic). */
  eta?: number;
  /** Variance noise for stochastic steps (diffusers' `variance_noise`), the sample's shape. */
  noise?: Tensor4D;
  /** Seeded generator drawing the variance noise (counter-based: depends on step and sample index). */
  generator?: NoiseGeneratorLike;
  /** Sample index of the first batch item in `generator` draws (batch offsets). Default 0. */
  firstSample?: number;
  /** DDIM: recompute ε from the clipped x₀. */
  useClippedModelOutput?: boolean;
}

/** Options of `setTimesteps`: a number of inference steps or an explicit descending list. */
export type SetTimestepsOptions = number | { numInferenceSteps?: number; timesteps?: readonly number[] };

/** A reverse-process sampler with diffusers' scheduler contract. */
export interface Sampler {
  readonly schedule: NoiseSchedule;
  /** Descending integer timesteps after {@link Sampler.setTimesteps}. */
  readonly timesteps: readonly number[];
  /** Number of model evaluations per step (1 for DDPM/DDIM). */
  readonly order: number;
  /** Standard deviation of the initial noise. */
  readonly initNoiseSigma: number;
  /** JSON-serialisable config in diffusers' snake_case form, with `_class_name`. */
  readonly config: Record<string, unknown>;
  setTimesteps(options: SetTimestepsOptions): void;
  scaleModelInput(sample: Tensor4D, timestep: number): Tensor4D;
  step(modelOutput: Tensor4D, timestep: number, sample: Tensor4D, options?: SamplerStepOptions): SamplerStepOutput;
}

/** Reduction of a per-element loss. */
export type LossReduction = 'mean' | 'sum' | 'none';

/** The inputs of a training loss. */
export interface LossInput {
  /** Model output. */
  prediction: Tensor;
  /** Target (ε, x₀ or v, matching the prediction type). */
  target: Tensor;
  /** Timesteps of each batch item (for SNR weighting). */
  timesteps?: Tensor1D | readonly number[];
  /** Per-example weights, [batch]. */
  weights?: Tensor1D;
  /** Element mask broadcastable to the prediction (1 keeps, 0 drops). */
  mask?: Tensor;
}

/** A training loss: prediction vs target → scalar (or per-example with reduction `none`). */
export type Loss = (input: LossInput) => Tensor;

/** Turns conditioning information (class labels, text, masks) into a denoiser's conditioning inputs. */
export interface Conditioner<Condition = unknown> {
  /** Encodes a batch of conditions into the denoiser inputs it adds to (`classLabels`, `context`). */
  encode(conditions: readonly Condition[]): Pick<DenoiserInput, 'classLabels' | 'context'>;
  dispose?(): void;
}

/** The part of core's noise generator the spec needs (see `NoiseGenerator`). */
export interface NoiseGeneratorLike {
  readonly seed: number;
  normal(options: { shape: readonly number[]; step: number; firstSample?: number; stream?: string }): Tensor;
}
