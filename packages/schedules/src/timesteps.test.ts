import { ValueError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { golden } from '../../samplers/test/golden.js';
import { roundHalfToEven } from './float32.js';
import { customTimesteps, spacedTimesteps, type TimestepSpacing } from './timesteps.js';

describe('timesteps against diffusers set_timesteps', () => {
  for (const fixture of golden().timesteps) {
    const numTrainTimesteps = fixture.config.num_train_timesteps as number;
    // Custom timesteps together with a step count: refused by the samplers' setTimesteps (tested there).
    if (fixture.custom_timesteps && fixture.num_inference_steps !== null) continue;
    it(fixture.id, () => {
      const compute = () =>
        fixture.custom_timesteps
          ? customTimesteps({ numTrainTimesteps, timesteps: fixture.custom_timesteps })
          : spacedTimesteps({
              numTrainTimesteps,
              numInferenceSteps: fixture.num_inference_steps!,
              timestepSpacing: fixture.config.timestep_spacing as TimestepSpacing,
              stepsOffset: fixture.config.steps_offset as number,
            });
      const outOfRange = fixture.timesteps?.some((t) => t >= numTrainTimesteps);
      if (fixture.error || outOfRange) {
        // diffusers accepts leading + offset past T − 1 and fails later in step(); we refuse it up front.
        expect(compute).toThrow(ValueError);
      } else {
        expect(compute()).toEqual(fixture.timesteps);
      }
    });
  }

  it('gives diffusers test value [801, 601, 401, 201, 1] for leading, offset 1, n = 5', () => {
    expect(spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 5, stepsOffset: 1 })).toEqual([
      801, 601, 401, 201, 1,
    ]);
  });
});

describe('trailing spacing where NumPy arange overshoots', () => {
  it('gives n timesteps, not diffusers’ n + 1 ending on −1 (T = 1000, n = 61, 103; T = 100, n = 29)', () => {
    // NumPy: np.round(np.arange(1000, 0, -1000 / 61)) - 1 has 62 entries, ending [32, 15, -1].
    for (const [numTrainTimesteps, numInferenceSteps, tail] of [
      [1000, 61, [32, 15]],
      [1000, 103, [18, 9]],
      [100, 29, [6, 2]],
    ] as const) {
      const timesteps = spacedTimesteps({ numTrainTimesteps, numInferenceSteps, timestepSpacing: 'trailing' });
      expect(timesteps).toHaveLength(numInferenceSteps);
      expect(timesteps[0]).toBe(numTrainTimesteps - 1);
      expect(timesteps.slice(-2)).toEqual(tail);
    }
  });
});

describe('timestep errors', () => {
  it('refuses more inference steps than training steps, saying so', () => {
    expect(() => spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 1200 })).toThrow(
      '`numInferenceSteps` (1200) cannot exceed `numTrainTimesteps` (1000)',
    );
  });

  it('refuses bad spacings, offsets and counts', () => {
    expect(() => spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 0 })).toThrow(/`numInferenceSteps`/);
    expect(() => spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 2.5 })).toThrow(/`numInferenceSteps`/);
    expect(() =>
      spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 10, timestepSpacing: 'karras' as never }),
    ).toThrow(/`timestepSpacing`/);
    expect(() => spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 10, stepsOffset: -1 })).toThrow(
      /`stepsOffset`/,
    );
    expect(() => spacedTimesteps({ numTrainTimesteps: 1000, numInferenceSteps: 1000, stepsOffset: 1 })).toThrow(
      /`stepsOffset`: expected timesteps in \[0, 999\], received 1000/,
    );
  });

  it('refuses custom timesteps that are not descending integers within range', () => {
    const numTrainTimesteps = 1000;
    expect(() => customTimesteps({ numTrainTimesteps, timesteps: [100, 87, 50, 51, 0] })).toThrow(
      /`timesteps`: expected strictly descending integers.*timesteps\[3\] \(51\) is not below timesteps\[2\] \(50\)/,
    );
    expect(() => customTimesteps({ numTrainTimesteps, timesteps: [100, 50, 50] })).toThrow(/strictly descending/);
    expect(() => customTimesteps({ numTrainTimesteps, timesteps: [1000, 0] })).toThrow(
      /`timesteps\[0\]`: expected an integer in \[0, 999\]/,
    );
    expect(() => customTimesteps({ numTrainTimesteps, timesteps: [5, -1] })).toThrow(/`timesteps\[1\]`/);
    expect(() => customTimesteps({ numTrainTimesteps, timesteps: [5.5] })).toThrow(/`timesteps\[0\]`/);
    expect(() => customTimesteps({ numTrainTimesteps, timesteps: [] })).toThrow(
      /`timesteps`: expected a non-empty array/,
    );
  });
});

describe('roundHalfToEven', () => {
  it('rounds like numpy.round', () => {
    expect([0.5, 1.5, 2.5, 498.5, 499.5, -1.5, 2.4999, 2.5001].map(roundHalfToEven)).toEqual([
      0, 2, 2, 498, 500, -2, 2, 3,
    ]);
  });
});
