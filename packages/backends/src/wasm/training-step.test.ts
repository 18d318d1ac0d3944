import { expectNoTensorLeak } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, normalTensor, startCpuAndWasm, valuesOn } from './testing/compare-backends.js';

// A U-Net in miniature, built from the same ops as @diffuse/models' UNet2DModel: 3×3 convolutions,
// GroupNorm (moments over groups), SiLU, a stride-2 downsampling convolution with explicit padding,
// multi-head self-attention (batched Q·Kᵀ, softmax, ·V), nearest upsampling by concatenation, a skip
// concatenation and a 1×1 convolution. Its loss and every gradient must equal the cpu backend's.

const WEIGHT_SHAPES: Record<string, number[]> = {
  convIn: [3, 3, 3, 8],
  gamma: [8],
  beta: [8],
  down: [3, 3, 8, 16],
  query: [16, 16],
  key: [16, 16],
  value: [16, 16],
  output: [16, 16],
  shortcut: [1, 1, 24, 8],
  convOut: [3, 3, 8, 3],
};

function groupNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor, groups: number): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const grouped = x.reshape([batch, height * width, groups, channels / groups]);
  const { mean, variance } = tf.moments(grouped, [1, 3], true);
  const normalized = grouped
    .sub(mean)
    .mul(tf.rsqrt(variance.add(1e-5)))
    .reshape(x.shape);
  return normalized.mul(gamma).add(beta) as tf.Tensor4D;
}

function attention(x: tf.Tensor4D, weights: Record<string, tf.Tensor>, heads: number): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const tokens = height * width;
  const headDim = channels / heads;
  const flat = x.reshape([batch * tokens, channels]);
  const split = (w: tf.Tensor) =>
    tf
      .matMul(flat, w)
      .reshape([batch, tokens, heads, headDim])
      .transpose([0, 2, 1, 3])
      .reshape([batch * heads, tokens, headDim]);
  const scores = tf.matMul(split(weights.query!), split(weights.key!), false, true).div(Math.sqrt(headDim));
  const mixed = tf.matMul(tf.softmax(scores), split(weights.value!));
  const merged = mixed
    .reshape([batch, heads, tokens, headDim])
    .transpose([0, 2, 1, 3])
    .reshape([batch * tokens, channels]);
  return tf.matMul(merged, weights.output!).reshape(x.shape).add(x) as tf.Tensor4D;
}

function upsample(x: tf.Tensor4D): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const columns = x.reshape([batch, height, width, 1, channels]);
  const wide = tf.concat([columns, columns], 3).reshape([batch, height, 1, width * 2, channels]);
  return tf.concat([wide, wide], 2).reshape([batch, height * 2, width * 2, channels]) as tf.Tensor4D;
}

function miniUNet(sample: tf.Tensor4D, weights: Record<string, tf.Tensor>): tf.Tensor4D {
  const w = (name: string) => weights[name] as tf.Tensor4D;
  const skip = tf.conv2d(sample, w('convIn'), 1, 'same');
  const normed = groupNorm(skip, weights.gamma!, weights.beta!, 4);
  const activated = normed.mul(tf.sigmoid(normed)) as tf.Tensor4D;
  const down = tf.conv2d(activated, w('down'), 2, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const attended = attention(down, weights, 2);
  const merged = tf.concat([upsample(attended), skip], 3) as tf.Tensor4D;
  const shortcut = tf.conv2d(merged, w('shortcut'), 1, 'valid');
  return tf.conv2d(shortcut, w('convOut'), 1, 'same');
}

/** Loss and the gradient of every weight, for inputs and weights drawn from `seed`. */
function lossAndGradients(seed: number): tf.Tensor[] {
  return tf.tidy(() => {
    const names = Object.keys(WEIGHT_SHAPES);
    const weights = names.map((name) => normalTensor(WEIGHT_SHAPES[name] as number[], seed, name).mul(0.3));
    const sample = normalTensor([2, 8, 8, 3], seed, 'sample') as tf.Tensor4D;
    const target = normalTensor([2, 8, 8, 3], seed, 'target');
    const loss = (...parameters: tf.Tensor[]) => {
      const named = Object.fromEntries(names.map((name, i) => [name, parameters[i] as tf.Tensor]));
      return tf.losses.meanSquaredError(target, miniUNet(sample, named)) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(loss)(weights);
    return [value, ...grads];
  });
}

describe('a U-Net training step on wasm', () => {
  beforeAll(startCpuAndWasm);

  it('gives the cpu backend’s loss and gradients to float32 tolerance', async () => {
    const expected = await valuesOn('cpu', () => lossAndGradients(5));
    const actual = await valuesOn('wasm', () => lossAndGradients(5));
    expect(actual).toHaveLength(Object.keys(WEIGHT_SHAPES).length + 1);
    actual.forEach((values, i) => {
      expect(maxRelativeError(values, expected[i]!), `output ${i}`).toBeLessThan(1e-4);
    });
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    tf.dispose(lossAndGradients(6));
    await expectNoTensorLeak(() => tf.dispose(lossAndGradients(6)));
  });
});
