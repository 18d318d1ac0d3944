/** Sinusoidal timestep embeddings (Vaswani et al. 2017; Ho et al. 2020 §4), for the MLP denoiser. */
import { concat, type Tensor1D, type Tensor2D, tensor1d, tidy } from '@tensorflow/tfjs-core';

/**
 * Embeds timesteps t ([batch], float) as `[sin(t·ω_0) … sin(t·ω_{h−1}), cos(t·ω_0) … cos(t·ω_{h−1})]`
 * with h = dimension / 2 and ω_i = maxPeriod^(−i/h) (diffusers' `get_timestep_embedding` with
 * `flip_sin_to_cos = false`, `downscale_freq_shift = 0`). Returns [batch, dimension].
 *
 * @example
 * const embedding = sinusoidalEmbedding(tf.tensor1d([0, 500]), 32); // [2, 32]
 */
export function sinusoidalEmbedding(timesteps: Tensor1D, dimension: number, maxPeriod = 10_000): Tensor2D {
  const half = Math.floor(dimension / 2);
  const frequencies = new Float32Array(half);
  for (let i = 0; i < half; i++) frequencies[i] = Math.exp((-Math.log(maxPeriod) * i) / half);
  return tidy(() => {
    const angles = timesteps.toFloat().expandDims(1).mul(tensor1d(frequencies).expandDims(0));
    return concat([angles.sin(), angles.cos()], 1) as Tensor2D;
  });
}
