import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectAllClose } from '../test/golden.js';
import { dynamicThreshold } from './thresholding.js';

/** torch.quantile(values, q, interpolation='linear') on one sample, in float64 (q·(n−1) as float32). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.fround(Math.fround(q) * (sorted.length - 1));
  const below = Math.floor(rank);
  const weight = rank - below;
  const low = sorted[below]!;
  const high = sorted[Math.ceil(rank)]!;
  return low + weight * (high - low);
}

describeBackends('dynamicThreshold', () => {
  // 2 items × 5·5·2 = 50 values each, |x| up to ~3.
  const shape: [number, number, number, number] = [2, 5, 5, 2];
  const data = Array.from({ length: 100 }, (_, i) => 3 * Math.sin(i * 1.7) * Math.cos(i * 0.3));
  for (const [ratio, sampleMaxValue] of [
    [0.995, 1.5],
    [0.9, 4],
    [0.61, 2], // rank 29.89: the upper lerp branch
    [0.5, 2], // rank 24.5
    [0.2, 2], // rank 9.8, s clamped up to 1
    [1, 10], // the maximum: top-1
    [0.995, 0.8], // sampleMaxValue < 1: s = 0.8
  ] as const) {
    it(`thresholds per item at quantile ${ratio}, max ${sampleMaxValue}`, async () => {
      await expectNoTensorLeak(async () => {
        const x = tf.tensor4d(data, shape);
        const result = dynamicThreshold({ sample: x, dynamicThresholdingRatio: ratio, sampleMaxValue });
        const expected = [0, 1].flatMap((item) => {
          const values = data.slice(item * 50, item * 50 + 50);
          const s = Math.min(Math.max(quantile(values.map(Math.abs), ratio), 1), sampleMaxValue);
          return values.map((v) => Math.min(Math.max(v, -s), s) / s);
        });
        expectAllClose(await result.data(), expected, { atol: 1e-6, rtol: 1e-6 });
        tf.dispose([x, result]);
      });
    });
  }
});

it('dynamicThreshold refuses a ratio outside [0, 1], a non-positive maximum and a non-NHWC sample', () => {
  const sample = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
  expect(() => dynamicThreshold({ sample, dynamicThresholdingRatio: 1.5 })).toThrow(
    /`dynamicThresholdingRatio`: expected a number in \[0, 1\]/,
  );
  expect(() => dynamicThreshold({ sample, sampleMaxValue: 0 })).toThrow(/`sampleMaxValue`/);
  const flat = tf.zeros([4]);
  expect(() => dynamicThreshold({ sample: flat as tf.Tensor4D })).toThrow(/`sample`: expected a rank-4 tensor/);
  tf.dispose([sample, flat]);
});

it('quantile reference matches torch.quantile on a known case', () => {
  // torch.quantile(torch.tensor([1., 2., 3., 4.]), 0.4) = 2.2
  expect(quantile([4, 1, 3, 2], 0.4)).toBeCloseTo(2.2, 6);
});
