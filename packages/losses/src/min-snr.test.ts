import { ConfigError, ValueError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { minSnrWeight, minSnrWeights, signalToNoiseRatios } from './min-snr.js';

const alphasCumprod = Float64Array.from([0.9999, 0.99, 0.5, 0.1, 0.001, 0]);
const schedule = {
  numTrainTimesteps: alphasCumprod.length,
  alphasCumprod,
  alphas: alphasCumprod,
  betas: alphasCumprod,
};

describe('Min-SNR-γ weights', () => {
  it('SNR(t) = ᾱ / (1 − ᾱ) as diffusers computes it ((√ᾱ / √(1 − ᾱ))²)', () => {
    const snr = signalToNoiseRatios(schedule);
    alphasCumprod.forEach((a, t) => {
      if (a > 0) expect(snr[t]).toBeCloseTo((Math.sqrt(a) / Math.sqrt(1 - a)) ** 2, 9);
    });
    expect(snr[5]).toBe(0);
    expect(signalToNoiseRatios({ ...schedule, alphasCumprod: Float64Array.from([1]) })[0]).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('matches diffusers: min(SNR, γ)/SNR for ε, min(SNR, γ) for x₀, min(SNR, γ)/(SNR + 1) for v', () => {
    const gamma = 5;
    const snr = signalToNoiseRatios(schedule);
    const epsilon = minSnrWeights({ schedule, gamma, predictionType: 'epsilon' });
    const sample = minSnrWeights({ schedule, gamma, predictionType: 'sample' });
    const velocity = minSnrWeights({ schedule, gamma, predictionType: 'v_prediction' });
    for (let t = 0; t < 5; t++) {
      const s = snr[t]!;
      expect(epsilon[t]).toBeCloseTo(Math.min(s, gamma) / s, 12);
      expect(sample[t]).toBeCloseTo(Math.min(s, gamma), 12);
      expect(velocity[t]).toBeCloseTo(Math.min(s, gamma) / (s + 1), 12);
    }
    // High-SNR (low-noise) steps are down-weighted for ε; low-SNR steps keep weight 1.
    expect(epsilon[0]).toBeCloseTo(5 / 9999, 9);
    expect(epsilon[3]).toBe(1);
  });

  it('takes the limits at SNR = 0 (zero terminal SNR) and SNR = ∞ instead of NaN', () => {
    expect(minSnrWeight({ snr: 0, gamma: 5, predictionType: 'epsilon' })).toBe(1);
    expect(minSnrWeight({ snr: 0, gamma: 5, predictionType: 'sample' })).toBe(0);
    expect(minSnrWeight({ snr: 0, gamma: 5, predictionType: 'v_prediction' })).toBe(0);
    const infinite = Number.POSITIVE_INFINITY;
    expect(minSnrWeight({ snr: infinite, gamma: 5, predictionType: 'epsilon' })).toBe(0);
    expect(minSnrWeight({ snr: infinite, gamma: 5, predictionType: 'sample' })).toBe(5);
    expect(minSnrWeight({ snr: infinite, gamma: 5, predictionType: 'v_prediction' })).toBe(0);
    expect(minSnrWeights({ schedule, gamma: 5, predictionType: 'epsilon' }).every(Number.isFinite)).toBe(true);
  });

  it('refuses an unknown prediction type instead of returning undefined', () => {
    expect(() => minSnrWeight({ snr: 1, gamma: 5, predictionType: 'flow' as never })).toThrow(
      /`predictionType`: expected one of "epsilon", "sample", "v_prediction", received "flow"/,
    );
    expect(() => minSnrWeights({ schedule, gamma: 5, predictionType: 'flow' as never })).toThrow(ConfigError);
  });

  it('refuses γ ≤ 0 or non-finite', () => {
    for (const gamma of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => minSnrWeights({ schedule, gamma, predictionType: 'epsilon' })).toThrow(ValueError);
      expect(() => minSnrWeights({ schedule, gamma, predictionType: 'epsilon' })).toThrow(
        /^`gamma`: expected a finite/,
      );
    }
  });
});
