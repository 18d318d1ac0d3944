/**
 * Timestep embeddings: the sinusoidal embedding of Vaswani et al. 2017 as used by Ho et al. 2020
 * (diffusers' `get_timestep_embedding`), Gaussian Fourier features of log σ (Song et al. 2021;
 * `GaussianFourierProjection`), a learned table, and the two-layer MLP that follows (`TimestepEmbedding`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from './forward-context.js';
import { activation, linear, weight } from './layers.js';
import { embeddingParameters, linearParameters, type ParameterSpec } from './parameter-spec.js';

/**
 * The frequencies exp(−ln(maxPeriod)·i / (half − freqShift)), i < half = ⌊dim/2⌋, rounded step by step to
 * float32 as PyTorch computes them.
 *
 * @example
 * sinusoidalFrequencies({ dim: 4, freqShift: 1 }); // Float32Array [1, 1e-4]
 */
export function sinusoidalFrequencies(options: { dim: number; freqShift: number; maxPeriod?: number }): Float32Array {
  const half = Math.floor(options.dim / 2);
  const factor = Math.fround(-Math.log(options.maxPeriod ?? 10_000));
  const divisor = Math.fround(half - options.freqShift);
  return Float32Array.from({ length: half }, (_, i) => Math.exp(Math.fround(Math.fround(factor * i) / divisor)));
}

/**
 * Sinusoidal embedding of float timesteps `[batch]` → `[batch, dim]`: `[sin, cos]` of t·frequency, or
 * `[cos, sin]` with `flipSinToCos`; an odd `dim` ends with a zero column.
 *
 * @example
 * const embedding = timestepEmbedding({ timesteps: tf.tensor1d([10, 500]), dim: 128, flipSinToCos: true, freqShift: 0 });
 */
export function timestepEmbedding(options: {
  timesteps: tf.Tensor1D;
  dim: number;
  flipSinToCos: boolean;
  freqShift: number;
}): tf.Tensor2D {
  const { timesteps, dim, flipSinToCos, freqShift } = options;
  return tf.tidy(() => {
    const frequencies = tf.tensor2d(sinusoidalFrequencies({ dim, freqShift }), [1, Math.floor(dim / 2)]);
    const angles = tf.mul(tf.reshape(timesteps, [-1, 1]), frequencies);
    const parts = flipSinToCos ? [tf.cos(angles), tf.sin(angles)] : [tf.sin(angles), tf.cos(angles)];
    if (dim % 2 === 1) parts.push(tf.zeros([timesteps.shape[0], 1]));
    return tf.concat(parts, 1) as tf.Tensor2D;
  });
}

/**
 * Gaussian Fourier features `[sin, cos]` of 2π·log(t)·W (diffusers' `GaussianFourierProjection` with
 * `log=True`), `[batch]` → `[batch, 2·W.length]`.
 *
 * @example
 * const features = fourierEmbedding({ timesteps: sigmas, weights: tf.randomNormal([16]) });
 */
export function fourierEmbedding(options: { timesteps: tf.Tensor1D; weights: tf.Tensor }): tf.Tensor2D {
  return tf.tidy(() => {
    const logT = tf.reshape(tf.log(options.timesteps), [-1, 1]);
    const projected = tf.mul(tf.mul(tf.mul(logT, tf.reshape(options.weights, [1, -1])), 2), Math.fround(Math.PI));
    return tf.concat([tf.sin(projected), tf.cos(projected)], 1) as tf.Tensor2D;
  });
}

/** The time projection of a U-Net (`time_proj`), which turns timesteps into vectors. */
export interface TimeProjectionOptions {
  type: 'positional' | 'fourier' | 'learned';
  /** `blockOutChannels[0]`. */
  channels: number;
  flipSinToCos: boolean;
  freqShift: number;
  /** Rows of the learned table. */
  numTrainTimesteps: number | null;
}

/**
 * Width of the time projection's output.
 *
 * @example
 * timeProjectionWidth({ type: 'fourier', channels: 64, flipSinToCos: false, freqShift: 1, numTrainTimesteps: null }); // 128
 */
export function timeProjectionWidth(options: TimeProjectionOptions): number {
  return options.type === 'fourier' ? 2 * options.channels : options.channels;
}

/**
 * Parameters of `time_proj`: the Fourier `W` (a fixed, non-trainable buffer) or the learned table.
 *
 * @example
 * timeProjectionParameters(plan.timeProjection); // [] for positional embeddings
 */
export function timeProjectionParameters(options: TimeProjectionOptions): ParameterSpec[] {
  if (options.type === 'fourier') {
    return [
      {
        name: 'time_proj.weight',
        shape: [options.channels],
        layout: 'same',
        init: { kind: 'normal', std: 16 },
        trainable: false,
      },
    ];
  }
  if (options.type === 'learned') {
    return embeddingParameters('time_proj', { rows: options.numTrainTimesteps ?? 0, dim: options.channels });
  }
  return [];
}

/**
 * Applies `time_proj` to float timesteps `[batch]`.
 *
 * @example
 * const projected = timeProjection(context, { ...plan.timeProjection, timesteps });
 */
export function timeProjection(
  context: ForwardContext,
  options: TimeProjectionOptions & { timesteps: tf.Tensor1D },
): tf.Tensor2D {
  const { timesteps } = options;
  if (options.type === 'fourier') {
    return fourierEmbedding({ timesteps, weights: weight(context.weights, 'time_proj.weight') });
  }
  if (options.type === 'learned') {
    const table = weight(context.weights, 'time_proj.weight') as tf.Tensor2D;
    return embeddingLookup({ indices: timesteps, table });
  }
  return timestepEmbedding({ ...options, dim: options.channels });
}

/**
 * Row lookup as a one-hot matMul (differentiable on every backend): `indices` `[batch]` (truncated to
 * integers) into `table` `[rows, dim]` → `[batch, dim]`.
 *
 * @example
 * const rows = embeddingLookup({ indices: tf.tensor1d([1, 7]), table }); // [2, dim]
 */
export function embeddingLookup(options: { indices: tf.Tensor1D; table: tf.Tensor2D }): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = options.table.shape[0];
    const oneHot = tf.cast(tf.oneHot(tf.cast(options.indices, 'int32'), rows), 'float32') as tf.Tensor2D;
    return tf.matMul(oneHot, options.table);
  });
}

/**
 * Parameters of a `TimestepEmbedding` MLP (`linear_1`, SiLU, `linear_2`) at `prefix`.
 *
 * @example
 * timestepMlpParameters('time_embedding', { inFeatures: 64, dim: 256 });
 */
export function timestepMlpParameters(prefix: string, options: { inFeatures: number; dim: number }): ParameterSpec[] {
  return [
    ...linearParameters(`${prefix}.linear_1`, { inFeatures: options.inFeatures, outFeatures: options.dim }),
    ...linearParameters(`${prefix}.linear_2`, { inFeatures: options.dim, outFeatures: options.dim }),
  ];
}

/**
 * Applies a `TimestepEmbedding` MLP: linear_1 → SiLU → linear_2.
 *
 * @example
 * const temb = timestepMlp(context, { prefix: 'time_embedding', x: projected });
 */
export function timestepMlp(context: ForwardContext, options: { prefix: string; x: tf.Tensor2D }): tf.Tensor2D {
  const { prefix, x } = options;
  return tf.tidy(() => {
    const hidden = activation('silu', linear({ x, weights: context.weights, prefix: `${prefix}.linear_1` }));
    return linear({ x: hidden, weights: context.weights, prefix: `${prefix}.linear_2` });
  });
}
