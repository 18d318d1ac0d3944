import { describeBackends } from '@diffuse/backends/testing';
import { ConfigError, expectNoTensorLeak, type PredictionType, ShapeError } from '@diffuse/core';
import { createSchedule } from '@diffuse/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../samplers/test/golden.js';
import { addNoise, getVelocity } from './forward-process.js';
import type { NoiseLevel } from './noise-level.js';
import {
  PREDICTION_TYPES,
  predictionTarget,
  predictionToEpsilon,
  predictionToOriginal,
  predictionToVelocity,
} from './predictions.js';

const schedule = createSchedule();
const shape: [number, number, number, number] = [2, 3, 3, 2];
const values = (seed: number) => Array.from({ length: 36 }, (_, i) => Math.sin(seed * 13.1 + i * 0.7));
const tolerance = { atol: 2e-5, rtol: 1e-4 };

describeBackends('prediction conversions', () => {
  const levels: { name: string; level: NoiseLevel }[] = [
    { name: 'alphaProd number', level: { alphaProd: 0.3 } },
    { name: 'timesteps per item', level: { schedule, timesteps: [20, 700] } },
    { name: 'scalar timestep', level: { schedule, timesteps: 450 } },
  ];
  for (const { name, level } of levels) {
    it(`ε, x₀ and v convert into each other exactly (${name})`, async () => {
      await expectNoTensorLeak(async () => {
        const original = tf.tensor4d(values(1), shape);
        const noise = tf.tensor4d(values(2), shape);
        const sample = addNoise({ original, noise, ...level });
        const velocity = getVelocity({ original, noise, ...level });
        const truth: Record<PredictionType, tf.Tensor> = { epsilon: noise, sample: original, v_prediction: velocity };
        for (const predictionType of PREDICTION_TYPES) {
          const modelOutput = truth[predictionType];
          const options = { predictionType, modelOutput, sample, ...level };
          const target = predictionTarget({ predictionType, original, noise, ...level });
          for (const [label, result, expected] of [
            ['x0', predictionToOriginal(options), original],
            ['epsilon', predictionToEpsilon(options), noise],
            ['v', predictionToVelocity(options), velocity],
            ['target', target, modelOutput],
          ] as const) {
            expectAllClose(await result.data(), await expected.data(), {
              ...tolerance,
              label: `${predictionType}→${label}`,
            });
            result.dispose();
          }
        }
        tf.dispose([original, noise, sample, velocity]);
      });
    });
  }

  it('refuses an unknown prediction type and mismatched shapes', async () => {
    await expectNoTensorLeak(() => {
      const sample = tf.zeros(shape);
      const other = tf.zeros([2, 3, 3, 4]);
      expect(() =>
        predictionToOriginal({ predictionType: 'flow' as never, modelOutput: sample, sample, alphaProd: 0.5 }),
      ).toThrow(ConfigError);
      expect(() =>
        predictionToOriginal({ predictionType: 'flow' as never, modelOutput: sample, sample, alphaProd: 0.5 }),
      ).toThrow(/`predictionType`: expected one of "epsilon", "sample", "v_prediction", received "flow"/);
      expect(() =>
        predictionToEpsilon({ predictionType: 'epsilon', modelOutput: other, sample, alphaProd: 0.5 }),
      ).toThrow(ShapeError);
      tf.dispose([sample, other]);
    });
  });
});

describe('prediction conversions on other ranks', () => {
  it('broadcast per-item coefficients over the batch axis of rank-2 data (2-D points)', async () => {
    await expectNoTensorLeak(async () => {
      const schedule = createSchedule({ numTrainTimesteps: 10 });
      const sample = tf.tensor2d([1, 2, 3, 4], [2, 2]);
      const modelOutput = tf.tensor2d([0.5, -1, 2, 0], [2, 2]);
      const timesteps = [0, 9];
      const coefficients = timesteps.map((t) => schedule.alphasCumprod[t]!);
      // x₀ = (x_t − √(1 − ᾱ)·ε)/√ᾱ, by hand, item by item.
      const expected = [1, 2, 3, 4].map((x, i) => {
        const alphaProd = coefficients[Math.floor(i / 2)]!;
        return (x - Math.sqrt(1 - alphaProd) * [0.5, -1, 2, 0][i]!) / Math.sqrt(alphaProd);
      });
      const indices = tf.tensor1d(timesteps, 'int32');
      for (const level of [timesteps, indices]) {
        const original = predictionToOriginal({
          predictionType: 'epsilon',
          modelOutput,
          sample,
          schedule,
          timesteps: level,
        });
        expect(original.shape).toEqual([2, 2]);
        expectAllClose(await original.data(), expected, { ...tolerance, label: 'x0' });
        original.dispose();
      }
      tf.dispose([sample, modelOutput, indices]);
    });
  });
});
