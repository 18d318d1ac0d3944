import { ConfigError, ValueError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { learningRateAt } from './learning-rate.js';

describe('learningRateAt', () => {
  const base = { learningRate: 1e-3, warmupSteps: 10 };

  it('warms up linearly, reaching the peak at the last warmup step', () => {
    expect(learningRateAt(0, base)).toBeCloseTo(1e-4, 15);
    expect(learningRateAt(4, base)).toBeCloseTo(5e-4, 15);
    expect(learningRateAt(9, base)).toBeCloseTo(1e-3, 15);
    expect(learningRateAt(500, base)).toBe(1e-3);
  });

  it('decays along a half cosine from warmup end to totalSteps, then stays at the floor', () => {
    const cosine = { ...base, decay: 'cosine' as const, totalSteps: 110 };
    expect(learningRateAt(10, cosine)).toBeCloseTo(1e-3, 15);
    expect(learningRateAt(60, cosine)).toBeCloseTo(5e-4, 15);
    expect(learningRateAt(35, cosine)).toBeCloseTo(1e-3 * 0.5 * (1 + Math.cos(Math.PI / 4)), 15);
    expect(learningRateAt(110, cosine)).toBeCloseTo(0, 15);
    expect(learningRateAt(1000, cosine)).toBeCloseTo(0, 15);
    const floored = { ...cosine, minLearningRateRatio: 0.1 };
    expect(learningRateAt(60, floored)).toBeCloseTo(1e-3 * (0.1 + 0.9 * 0.5), 15);
    expect(learningRateAt(200, floored)).toBeCloseTo(1e-4, 15);
  });

  it('decays linearly', () => {
    const linear = { learningRate: 2, decay: 'linear' as const, totalSteps: 100 };
    expect(learningRateAt(0, linear)).toBe(2);
    expect(learningRateAt(25, linear)).toBeCloseTo(1.5, 15);
    expect(learningRateAt(100, linear)).toBe(0);
  });

  it('refuses bad schedules with typed errors naming the field', () => {
    expect(() => learningRateAt(0, { learningRate: -1 })).toThrow(ValueError);
    expect(() => learningRateAt(0, { learningRate: 1, decay: 'cosine' })).toThrow(/totalSteps/);
    expect(() => learningRateAt(0, { learningRate: 1, decay: 'step' as 'linear' })).toThrow(ConfigError);
    expect(() => learningRateAt(1.5, { learningRate: 1 })).toThrow(/step/);
  });
});
