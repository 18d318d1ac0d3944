import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak, NoiseGenerator } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';

// The arithmetic a diffusion step is made of (x_t = a·x0 + b·ε, grads of a conv + mean), computed in
// float64 JavaScript as the reference; every backend must match it to float32 tolerance.
const generator = new NoiseGenerator(11);
const x0 = generator.normalArray({ shape: [2, 4, 4, 3], step: 0, stream: 'x0' });
const eps = generator.normalArray({ shape: [2, 4, 4, 3], step: 0 });
const a = Math.sqrt(0.3);
const b = Math.sqrt(0.7);

describeBackends('backend parity', () => {
  it('computes a noising step like float64 JavaScript', async () => {
    await expectNoTensorLeak(async () => {
      const result = tf.tidy(() =>
        tf
          .tensor(x0, [2, 4, 4, 3])
          .mul(a)
          .add(generator.normal({ shape: [2, 4, 4, 3], step: 0 }).mul(b)),
      );
      const values = await result.data();
      result.dispose();
      values.forEach((value, i) => {
        expect(value).toBeCloseTo(a * x0[i]! + b * eps[i]!, 5);
      });
    });
  });

  it('registers gradients: d/dw mean(conv2d(x, w)) equals the analytic sum', async () => {
    await expectNoTensorLeak(async () => {
      const x = tf.tensor(x0, [2, 4, 4, 3]);
      const weights = tf.ones([1, 1, 3, 2]);
      const gradient = tf.grad((w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid').mean())(
        weights,
      );
      const values = await gradient.data();
      // mean over [2,4,4,2] outputs of Σ_c x·w → dL/dw[c, o] = Σ_{n,h,w} x[..., c] / (2·4·4·2)
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let i = c; i < x0.length; i += 3) sum += x0[i]!;
        expect(values[c * 2]).toBeCloseTo(sum / 64, 5);
        expect(values[c * 2 + 1]).toBeCloseTo(sum / 64, 5);
      }
      tf.dispose([x, weights, gradient]);
    });
  });
});
