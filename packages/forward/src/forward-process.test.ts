import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak, NoiseGenerator, ShapeError, toCamelCase, ValueError } from '@diffuse/core';
import { createSchedule, type ScheduleOptions } from '@diffuse/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, type GoldenTensor, golden } from '../../samplers/test/golden.js';
import { addNoise, forwardStep, getVelocity } from './forward-process.js';

const camel = (config: Record<string, unknown>): ScheduleOptions =>
  Object.fromEntries(Object.entries(config).map(([key, value]) => [toCamelCase(key), value]));
const toTensor = (value: GoldenTensor) => tf.tensor(value.data, value.shape);
// diffusers works in float32 throughout (1 − ᾱ included); our coefficients are float64 rounded once.
const tolerance = { atol: 2e-6, rtol: 2e-6 };

describeBackends('addNoise and getVelocity against diffusers', () => {
  const { add_noise: addNoiseCases, get_velocity: velocityCases } = golden();
  for (const fixture of addNoiseCases) {
    it(`add_noise ${fixture.id}, timesteps as numbers and as an int32 tensor`, async () => {
      const schedule = createSchedule(camel(fixture.config));
      await expectNoTensorLeak(async () => {
        const original = toTensor(fixture.original_samples!);
        const noise = toTensor(fixture.noise);
        const timestepTensor = tf.tensor1d(fixture.timesteps, 'int32');
        const fromNumbers = addNoise({ schedule, original, noise, timesteps: fixture.timesteps });
        const fromTensor = addNoise({ schedule, original, noise, timesteps: timestepTensor });
        expectAllClose(await fromNumbers.data(), fixture.noisy_samples!.data, { ...tolerance, label: 'numbers' });
        expectAllClose(await fromTensor.data(), fixture.noisy_samples!.data, { ...tolerance, label: 'tensor' });
        tf.dispose([original, noise, timestepTensor, fromNumbers, fromTensor]);
      });
    });
  }
  for (const fixture of velocityCases) {
    it(`get_velocity ${fixture.id}`, async () => {
      const schedule = createSchedule(camel(fixture.config));
      await expectNoTensorLeak(async () => {
        const original = toTensor(fixture.sample!);
        const noise = toTensor(fixture.noise);
        const timesteps = tf.tensor1d(fixture.timesteps, 'float32'); // float timesteps are cast
        const velocity = getVelocity({ schedule, original, noise, timesteps });
        expectAllClose(await velocity.data(), fixture.velocity!.data, tolerance);
        tf.dispose([original, noise, timesteps, velocity]);
      });
    });
  }
});

describeBackends(
  'forwardStep',
  () => {
    it('iterated from the clean sample, reaches the closed form’s mean and variance', async () => {
      // Cosine schedule with T = 50: large steps, so 20 iterations move far. 20 000 scalar samples
      // starting at x_0 = 1.5: mean √ᾱ_t·1.5 and variance 1 − ᾱ_t at t = 19.
      const schedule = createSchedule({ numTrainTimesteps: 50, betaSchedule: 'squaredcos_cap_v2' });
      const generator = new NoiseGenerator(3);
      const count = 20_000;
      const steps = 20;
      let x = tf.fill([count, 1, 1, 1], 1.5);
      await expectNoTensorLeak(
        async () => {
          for (let t = 0; t < steps; t++) {
            const noise = generator.normal({ shape: [count, 1, 1, 1], step: t });
            const next = forwardStep({ schedule, previous: x, noise, timesteps: t });
            tf.dispose([x, noise]);
            x = next;
          }
          const values = Array.from(await x.data());
          tf.dispose(x);
          const alphaProd = schedule.alphasCumprod[steps - 1]!;
          const mean = values.reduce((a, b) => a + b, 0) / count;
          const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (count - 1);
          // Standard errors: √(var/n) ≈ 0.006 for the mean, var·√(2/n) ≈ 0.009 for the variance.
          expect(Math.abs(mean - 1.5 * Math.sqrt(alphaProd))).toBeLessThan(0.03);
          expect(Math.abs(variance - (1 - alphaProd))).toBeLessThan(0.04);
        },
        { allowed: 0 },
      );
    });

    it('uses one timestep per item (numbers or a tensor) like addNoise for a single step', async () => {
      const schedule = createSchedule();
      await expectNoTensorLeak(async () => {
        const clean = tf.tensor4d([1, 2, 3, 4], [4, 1, 1, 1]);
        const noise = tf.tensor4d([0.5, -0.5, 0.25, 0], [4, 1, 1, 1]);
        const timesteps = tf.tensor1d([0, 0, 0, 0], 'int32');
        const stepped = forwardStep({ schedule, previous: clean, noise, timesteps });
        const closed = addNoise({ schedule, original: clean, noise, timesteps: [0, 0, 0, 0] });
        expectAllClose(await stepped.data(), await closed.data(), { atol: 1e-7, rtol: 1e-6 });
        tf.dispose([clean, noise, timesteps, stepped, closed]);
      });
    });
  },
  { only: ['cpu'] },
);

describe('forward process, numbers', () => {
  it('the one-step recursions give the closed form: ∏√α_s = √ᾱ_t and α_t·v + β_t → 1 − ᾱ_t', () => {
    const schedule = createSchedule({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 });
    let meanCoefficient = 1;
    let variance = 0;
    for (let t = 0; t < schedule.numTrainTimesteps; t++) {
      meanCoefficient *= Math.sqrt(schedule.alphas[t]!);
      variance = schedule.alphas[t]! * variance + (1 - schedule.alphas[t]!);
      expect(meanCoefficient).toBeCloseTo(Math.sqrt(schedule.alphasCumprod[t]!), 12);
      expect(variance).toBeCloseTo(1 - schedule.alphasCumprod[t]!, 12);
    }
  });
});

describeBackends(
  'forward process errors',
  () => {
    it('names the argument at fault', async () => {
      const schedule = createSchedule({ numTrainTimesteps: 100 });
      await expectNoTensorLeak(() => {
        const original = tf.zeros([2, 2, 2, 1]);
        const noise = tf.zeros([2, 2, 2, 1]);
        const wrong = tf.zeros([2, 2, 2, 3]);
        expect(() => addNoise({ schedule, original, noise: wrong, timesteps: 3 })).toThrow(ShapeError);
        expect(() => addNoise({ schedule, original, noise: wrong, timesteps: 3 })).toThrow(
          /`noise`: expected shape \[2, 2, 2, 1\]/,
        );
        expect(() => addNoise({ schedule, original, noise, timesteps: [1, 100] })).toThrow(ValueError);
        expect(() => addNoise({ schedule, original, noise, timesteps: [1, 100] })).toThrow(
          /`timesteps\[1\]`: expected an integer in \[0, 99\]/,
        );
        expect(() => addNoise({ schedule, original, noise, timesteps: [1, 2, 3] })).toThrow(
          /`timesteps`: expected 2 timesteps/,
        );
        expect(() => getVelocity({ schedule, original, noise, timesteps: 1.5 })).toThrow(/`timesteps`/);
        expect(() => addNoise({ original, noise, alphaProd: 1.2 })).toThrow(/`alphaProd`/);
        expect(() => forwardStep({ schedule, previous: original, noise, timesteps: -1 })).toThrow(/`timesteps`/);
        const scalar = tf.scalar(1);
        expect(() => addNoise({ schedule, original: scalar, noise: scalar, timesteps: [1] })).toThrow(
          /`original`: expected a tensor with a batch axis first/,
        );
        scalar.dispose();
        const badTensor = tf.tensor1d([1, 2, 3], 'int32');
        expect(() => addNoise({ schedule, original, noise, timesteps: badTensor })).toThrow(
          /a 1-D tensor of 2 timesteps/,
        );
        tf.dispose([original, noise, wrong, badTensor]);
      });
    });
  },
  { only: ['cpu'] },
);

describe('addNoise on other ranks', () => {
  it('broadcasts per-item coefficients over the batch axis of rank-2 data (2-D points)', async () => {
    const schedule = createSchedule({ numTrainTimesteps: 10 });
    const original = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const noise = tf.tensor2d([0.5, -1, 2, 0], [2, 2]);
    const noisy = addNoise({ schedule, original, noise, timesteps: [0, 9] });
    expect(noisy.shape).toEqual([2, 2]);
    const values = await noisy.data();
    const [a0, a9] = [schedule.alphasCumprod[0]!, schedule.alphasCumprod[9]!];
    const expected = [
      Math.sqrt(a0) * 1 + Math.sqrt(1 - a0) * 0.5,
      Math.sqrt(a0) * 2 - Math.sqrt(1 - a0),
      Math.sqrt(a9) * 3 + Math.sqrt(1 - a9) * 2,
      Math.sqrt(a9) * 4,
    ];
    values.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 5);
    });
    const indices = tf.tensor1d([0, 9], 'int32');
    const viaTensor = addNoise({ schedule, original, noise, timesteps: indices });
    expect(viaTensor.shape).toEqual([2, 2]);
    expect(Array.from(await viaTensor.data())).toEqual(Array.from(values));
    tf.dispose([original, noise, noisy, indices, viaTensor]);
  });
});
