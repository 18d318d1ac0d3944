import { createSchedule } from '@diffuse/schedules';
import { describe, expect, it } from 'vitest';
import { golden } from '../../samplers/test/golden.js';
import { posteriorCoefficients } from './posterior.js';

describe('posteriorCoefficients', () => {
  const schedule = createSchedule(); // diffusers' test config: linear 1e-4 … 0.02, T = 1000

  it('gives diffusers’ DDPM and DDIM variances', () => {
    // DDPM _get_variance(t) = β̃_t (t−1 → t); DDIM _get_variance(t, prev) is the same β̃ between two levels.
    const expected = [
      { t: 487, prev: 486, value: 0.00979 },
      { t: 999, prev: 998, value: 0.02 },
      { t: 420, prev: 400, value: 0.14771 },
      { t: 980, prev: 960, value: 0.3246 },
    ];
    for (const { t, prev, value } of expected) {
      const { variance } = posteriorCoefficients({ schedule, timestep: t, prevTimestep: prev });
      expect(Math.abs(variance - value)).toBeLessThan(1e-5); // diffusers' own tolerance
    }
    expect(posteriorCoefficients({ schedule, timestep: 0 }).variance).toBe(0);
    for (const fixture of golden().variances) {
      if (fixture.scheduler !== 'DDIM' || fixture.t === 0) continue;
      // DDIM's final step uses ᾱ = 1 (set_alpha_to_one) or ᾱ_0 instead of ᾱ_prev.
      const alphaProd = schedule.alphasCumprod[fixture.t]!;
      const alphaProdPrev =
        fixture.prev_t >= 0
          ? schedule.alphasCumprod[fixture.prev_t]!
          : fixture.config.set_alpha_to_one === false
            ? schedule.alphasCumprod[0]!
            : 1;
      const { variance } = posteriorCoefficients({ alphaProd, alphaProdPrev });
      expect(Math.abs(variance - fixture.variance)).toBeLessThan(1e-7 + 1e-5 * fixture.variance);
    }
  });

  it('is the Gaussian conditional of x_{t′} given x_t and x_0', () => {
    // x_{t'} = √ᾱ'·x0 + √(1−ᾱ')·ε₁, x_t = √α·x_{t'} + √β·ε₂ with α = ᾱ_t/ᾱ': condition on x_t.
    for (const [t, prev] of [
      [1, 0],
      [500, 499],
      [900, 100],
      [999, -1],
    ] as const) {
      const alphaProd = schedule.alphasCumprod[t]!;
      const alphaProdPrev = prev >= 0 ? schedule.alphasCumprod[prev]! : 1;
      const alpha = alphaProd / alphaProdPrev;
      const covariance = Math.sqrt(alpha) * (1 - alphaProdPrev); // Cov(x_{t'}, x_t | x0)
      const sampleCoefficient = covariance / (1 - alphaProd);
      const originalCoefficient = Math.sqrt(alphaProdPrev) - sampleCoefficient * Math.sqrt(alphaProd);
      const variance = 1 - alphaProdPrev - covariance * sampleCoefficient;
      const posterior = posteriorCoefficients({ schedule, timestep: t, prevTimestep: prev });
      expect(posterior.sampleCoefficient).toBeCloseTo(sampleCoefficient, 12);
      expect(posterior.originalCoefficient).toBeCloseTo(originalCoefficient, 12);
      expect(posterior.variance).toBeCloseTo(variance, 12);
      expect(posterior.beta).toBeCloseTo(1 - alpha, 12);
    }
  });

  it('refuses timesteps out of order or range', () => {
    expect(() => posteriorCoefficients({ schedule, timestep: 1000 })).toThrow(
      /`timestep`: expected an integer in \[0, 999\]/,
    );
    expect(() => posteriorCoefficients({ schedule, timestep: 10, prevTimestep: 10 })).toThrow(
      /`prevTimestep`: expected an integer ≤ 9/,
    );
    expect(() => posteriorCoefficients({ alphaProd: 0.5, alphaProdPrev: Number.NaN })).toThrow(/`alphaProdPrev`/);
    // t' noisier than t: √(1 − β) of a negative β would be NaN.
    expect(() => posteriorCoefficients({ alphaProd: 0.5, alphaProdPrev: 0.4 })).toThrow(
      /`alphaProdPrev`: expected ᾱ of the less noisy level, ≥ alphaProd \(0.5\), received 0.4/,
    );
  });
});
