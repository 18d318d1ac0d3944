/**
 * Group normalisation (Wu & He 2018) on NHWC tensors, as PyTorch's `nn.GroupNorm` computes it: per
 * sample and group of `channels / groups` consecutive channels, subtract the mean, divide by
 * √(biased variance + ε), then scale and shift per channel. tfjs has no GroupNorm op: this composes it from
 * a reshape to `[n, h·w, groups, channels/groups]` and two means. A backend may swap in a fused kernel
 * through {@link UNetKernels}.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The inputs of {@link groupNorm}. */
export interface GroupNormInput {
  /** NHWC input. */
  x: tf.Tensor4D;
  /** Per-channel scale, `[channels]`. */
  gamma: tf.Tensor;
  /** Per-channel shift, `[channels]`. */
  beta: tf.Tensor;
  groups: number;
  epsilon: number;
}

/** A GroupNorm implementation (the default is {@link groupNorm}). */
export type GroupNormKernel = (input: GroupNormInput) => tf.Tensor4D;

/**
 * GroupNorm of an NHWC tensor; the caller owns the result.
 *
 * @example
 * const y = groupNorm({ x, gamma: tf.ones([64]), beta: tf.zeros([64]), groups: 32, epsilon: 1e-5 });
 */
export function groupNorm(input: GroupNormInput): tf.Tensor4D {
  const { x, gamma, beta, groups, epsilon } = input;
  return tf.tidy(() => {
    const [batch, height, width, channels] = x.shape;
    const grouped = tf.reshape(x, [batch, height * width, groups, channels / groups]);
    // Not `tf.moments`: it casts float32 to float32, whose gradient fails in tfjs 4.22 (null dy in Cast_grad).
    const centered = tf.sub(grouped, tf.mean(grouped, [1, 3], true));
    const variance = tf.mean(tf.square(centered), [1, 3], true);
    const normalized = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(tf.reshape(normalized, x.shape), gamma), beta) as tf.Tensor4D;
  });
}
