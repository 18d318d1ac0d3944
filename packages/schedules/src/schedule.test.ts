import { ConfigError, toCamelCase, ValueError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, golden } from '../../samplers/test/golden.js';
import { betasForAlphaBar } from './beta-schedules.js';
import { createSchedule, type ScheduleOptions, scheduleFromBetas } from './schedule.js';

const camel = (config: Record<string, unknown>): ScheduleOptions =>
  Object.fromEntries(Object.entries(config).map(([key, value]) => [toCamelCase(key), value]));

describe('createSchedule against diffusers (float32 torch tables)', () => {
  for (const fixture of golden().schedules) {
    const rescaled = fixture.config.rescale_betas_zero_snr === true;
    const sigmoid = fixture.config.beta_schedule === 'sigmoid' && !fixture.config.trained_betas;
    it(fixture.id, () => {
      const schedule = createSchedule(camel(fixture.config));
      expect(schedule.numTrainTimesteps).toBe(fixture.betas.length);
      const alphasCumprod = Array.from(schedule.alphasCumprod, Math.fround);
      if (!rescaled && !sigmoid) {
        // Bit for bit: float32 β and α, ᾱ accumulated in float64 like torch's CPU cumprod.
        expect(Array.from(schedule.betas)).toEqual(fixture.betas.map(Math.fround));
        expect(alphasCumprod).toEqual(fixture.alphas_cumprod.map(Math.fround));
      } else {
        // diffusers rescales in float32 (and torch's float32 sqrt is not correctly rounded), we in float64:
        // against a float64 NumPy rescale diffusers' β are off by up to 6e-6 (the shift √ᾱ − √ᾱ_{T−1}
        // cancels digits near the end). Sigmoid goes through torch's vectorised exp (1-ulp differences).
        expectAllClose(schedule.betas, fixture.betas, { atol: rescaled ? 1e-5 : 1e-7, rtol: 1e-6, label: 'betas' });
        expectAllClose(alphasCumprod, fixture.alphas_cumprod, { atol: 2e-6, rtol: 5e-5, label: 'alphasCumprod' });
      }
      if (rescaled) {
        expect(schedule.alphasCumprod[schedule.numTrainTimesteps - 1]).toBe(0);
        expect(schedule.betas[schedule.numTrainTimesteps - 1]).toBe(1);
      }
    });
  }
});

describe('schedule views', () => {
  it('derives σ, SNR and log-SNR from ᾱ', () => {
    const schedule = createSchedule();
    for (const t of [0, 500, 999]) {
      const alphaBar = schedule.alphasCumprod[t]!;
      expect(schedule.alphas[t]).toBe(Math.fround(1 - schedule.betas[t]!));
      expect(schedule.sigmas[t]).toBeCloseTo(Math.sqrt((1 - alphaBar) / alphaBar), 12);
      expect(schedule.snr[t]).toBeCloseTo(alphaBar / (1 - alphaBar), 12);
      expect(schedule.logSnr[t]).toBeCloseTo(Math.log(alphaBar / (1 - alphaBar)), 12);
    }
    expect(schedule.snr[0]).toBeGreaterThan(schedule.snr[999]!);
  });

  it('has SNR 0 and log-SNR −∞ at the end of a zero-terminal-SNR schedule', () => {
    const schedule = createSchedule({
      rescaleBetasZeroSnr: true,
      betaSchedule: 'scaled_linear',
      betaStart: 0.00085,
      betaEnd: 0.012,
    });
    expect(schedule.snr[999]).toBe(0);
    expect(schedule.logSnr[999]).toBe(Number.NEGATIVE_INFINITY);
    expect(schedule.sigmas[999]).toBe(Number.POSITIVE_INFINITY);
    // ᾱ_0 is kept.
    const plain = createSchedule({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 });
    expect(schedule.alphasCumprod[0]).toBeCloseTo(plain.alphasCumprod[0]!, 7);
  });

  it('builds a schedule from explicit β', () => {
    const schedule = scheduleFromBetas(Float64Array.from([0.5, 0.5]));
    expect(Array.from(schedule.alphasCumprod)).toEqual([0.5, 0.25]);
  });
});

describe('betasForAlphaBar', () => {
  it('discretises ᾱ(τ): diffusers’ "exp" transform gives the constant β = 1 − e^(−12/T), capped by maxBeta', () => {
    const alphaBar = (tau: number) => Math.exp(-12 * tau);
    const betas = betasForAlphaBar({ numTrainTimesteps: 1000, alphaBar });
    expect(new Set(betas).size).toBe(1);
    expect(betas[0]).toBe(Math.fround(1 - Math.exp(-0.012)));
    expect(Array.from(betasForAlphaBar({ numTrainTimesteps: 4, alphaBar, maxBeta: 0.5 }))).toEqual([
      0.5, 0.5, 0.5, 0.5,
    ]);
    expect(() => betasForAlphaBar({ numTrainTimesteps: 0, alphaBar })).toThrow(/`numTrainTimesteps`/);
    expect(() => betasForAlphaBar({ numTrainTimesteps: 10, alphaBar, maxBeta: 2 })).toThrow(/`maxBeta`/);
  });
});

describe('createSchedule errors', () => {
  it('names the field at fault', () => {
    expect(() => createSchedule({ betaSchedule: 'cosine' as never })).toThrow(
      /`betaSchedule`: expected one of "linear"/,
    );
    expect(() => createSchedule({ betaSchedule: 'cosine' as never })).toThrow(ConfigError);
    expect(() => createSchedule({ betaStart: Number.NaN })).toThrow(
      /`betaStart`: expected a finite number, received NaN/,
    );
    expect(() => createSchedule({ betaEnd: 2 })).toThrow(/`betaEnd`: expected a number in \[0, 1\]/);
    expect(() => createSchedule({ numTrainTimesteps: 0 })).toThrow(/`numTrainTimesteps`/);
    expect(() => createSchedule({ numTrainTimesteps: 10.5 })).toThrow(ValueError);
    expect(() => createSchedule({ numTrainTimesteps: 3, trainedBetas: [0.1, 0.2] })).toThrow(
      /`trainedBetas`: expected 3 values/,
    );
    expect(() => createSchedule({ numTrainTimesteps: 2, trainedBetas: [0.1, 1.5] })).toThrow(/`trainedBetas\[1\]`/);
    expect(() => createSchedule({ rescaleBetasZeroSnr: 'yes' as never })).toThrow(
      /`rescaleBetasZeroSnr`: expected a boolean/,
    );
  });

  it('treats trainedBetas: null as absent (diffusers writes null)', () => {
    expect(createSchedule({ trainedBetas: null }).betas).toEqual(createSchedule().betas);
  });
});
