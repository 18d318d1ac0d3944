import { describeBackends } from '@diffuse/backends/testing';
import { ConfigError, expectNoTensorLeak, NoiseGenerator, type NoiseSchedule } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { targetFor } from './target-for.js';

const alphasCumprod = Float64Array.from({ length: 10 }, (_, t) => 1 - (t + 1) / 11);
const schedule: NoiseSchedule = { numTrainTimesteps: 10, alphasCumprod, alphas: alphasCumprod, betas: alphasCumprod };
const generator = new NoiseGenerator(3);

describeBackends('targetFor', () => {
  for (const shape of [
    [2, 2, 2, 1],
    [2, 3],
  ]) {
    it(`returns ε, x₀ and v = √ᾱ·ε − √(1 − ᾱ)·x₀ per example (rank ${shape.length})`, async () => {
      await expectNoTensorLeak(async () => {
        const x0 = generator.normalArray({ shape, step: 0, stream: 'x0' });
        const eps = generator.normalArray({ shape, step: 0, stream: 'eps' });
        const original = tf.tensor(x0, shape);
        const noise = tf.tensor(eps, shape);
        const timesteps = [1, 8];
        const size = x0.length / 2;
        const epsilonTarget = targetFor({ predictionType: 'epsilon', original, noise });
        expect(epsilonTarget).not.toBe(noise);
        expect([...(await epsilonTarget.data())]).toEqual([...(await noise.data())]);
        const sampleTarget = targetFor({ predictionType: 'sample', original, noise });
        expect([...(await sampleTarget.data())]).toEqual([...(await original.data())]);
        for (const steps of [timesteps, tf.tensor1d(timesteps, 'int32')]) {
          const velocity = targetFor({ predictionType: 'v_prediction', original, noise, schedule, timesteps: steps });
          expect(velocity.shape).toEqual(shape);
          const values = await velocity.data();
          values.forEach((value, i) => {
            const alphaProd = alphasCumprod[timesteps[Math.floor(i / size)]!]!;
            expect(value).toBeCloseTo(Math.sqrt(alphaProd) * eps[i]! - Math.sqrt(1 - alphaProd) * x0[i]!, 5);
          });
          tf.dispose([velocity, ...(Array.isArray(steps) ? [] : [steps])]);
        }
        tf.dispose([original, noise, epsilonTarget, sampleTarget]);
      });
    });
  }

  it('needs a schedule and timesteps for v, and matching shapes', async () => {
    const original = tf.zeros([2, 2]);
    const noise = tf.zeros([2, 3]);
    expect(() => targetFor({ predictionType: 'v_prediction', original, noise: original, timesteps: [1, 2] })).toThrow(
      ConfigError,
    );
    expect(() => targetFor({ predictionType: 'v_prediction', original, noise: original, schedule })).toThrow(
      /timesteps/,
    );
    expect(() => targetFor({ predictionType: 'epsilon', original, noise })).toThrow(/noise/);
    tf.dispose([original, noise]);
  });
});
