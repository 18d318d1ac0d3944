/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017) over token sequences:
 * softmax(Q·Kᵀ/√d)·V per head, heads laid side by side in the last axis as PyTorch's
 * `F.scaled_dot_product_attention` after diffusers' head split. A backend may swap in a fused kernel
 * through {@link UNetKernels}.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The inputs of {@link scaledDotProductAttention}: `[batch, tokens, heads · headDim]` each. */
export interface AttentionInput {
  query: tf.Tensor3D;
  key: tf.Tensor3D;
  value: tf.Tensor3D;
  heads: number;
}

/** An attention implementation (the default is {@link scaledDotProductAttention}). */
export type AttentionKernel = (input: AttentionInput) => tf.Tensor3D;

function splitHeads(x: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [batch, tokens, width] = x.shape;
  if (heads === 1) return x;
  const perHead = tf.transpose(tf.reshape(x, [batch, tokens, heads, width / heads]), [0, 2, 1, 3]);
  return tf.reshape(perHead, [batch * heads, tokens, width / heads]);
}

/**
 * Multi-head attention; returns `[batch, tokens, heads · headDim]`, owned by the caller.
 *
 * @example
 * const out = scaledDotProductAttention({ query: q, key: k, value: v, heads: 4 });
 */
export function scaledDotProductAttention(input: AttentionInput): tf.Tensor3D {
  const { query, key, value, heads } = input;
  return tf.tidy(() => {
    const [batch, tokens, width] = query.shape;
    const headDim = width / heads;
    const q = tf.mul(splitHeads(query, heads), 1 / Math.sqrt(headDim)) as tf.Tensor3D;
    const scores = tf.matMul(q, splitHeads(key, heads), false, true);
    const mixed = tf.matMul(tf.softmax(scores), splitHeads(value, heads)) as tf.Tensor3D;
    if (heads === 1) return mixed;
    const merged = tf.transpose(tf.reshape(mixed, [batch, heads, tokens, headDim]), [0, 2, 1, 3]);
    return tf.reshape(merged, [batch, tokens, width]) as tf.Tensor3D;
  });
}
