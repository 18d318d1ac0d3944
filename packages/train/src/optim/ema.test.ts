import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak } from '@diffuse/core';
import { tensor1d, tidy, variable } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ExponentialMovingAverage, emaDecay } from './ema.js';

describe('emaDecay', () => {
  it('follows diffusers EMAModel.get_decay', () => {
    expect(emaDecay(1)).toBe(0);
    expect(emaDecay(2)).toBeCloseTo(2 / 11, 15);
    expect(emaDecay(11)).toBeCloseTo(11 / 20, 15);
    expect(emaDecay(1_000_000)).toBe(0.9999);
    expect(emaDecay(1_000, { maxDecay: 0.9 })).toBe(0.9);
    expect(emaDecay(5, { updateAfterStep: 5 })).toBe(0);
    expect(emaDecay(8, { updateAfterStep: 5 })).toBeCloseTo(3 / 12, 15);
    expect(emaDecay(11, { powerWarmup: true })).toBeCloseTo(1 - 11 ** (-2 / 3), 15);
    expect(emaDecay(11, { powerWarmup: true, power: 0.75, inverseGamma: 2 })).toBeCloseTo(1 - 6 ** -0.75, 15);
    expect(emaDecay(2, { minDecay: 0.5 })).toBe(0.5);
  });
});

describeBackends('ExponentialMovingAverage', () => {
  it('averages as shadow ← shadow − (1 − decay)(shadow − θ)', async () => {
    await expectNoTensorLeak(async () => {
      const weight = tidy(() => variable(tensor1d([1, 2])));
      const ema = new ExponentialMovingAverage({ variables: { weight }, options: { maxDecay: 0.5 } });
      const values = [
        [3, 4],
        [5, 8],
        [7, -2],
      ];
      let expected = [1, 2];
      for (const [step, value] of values.entries()) {
        tidy(() => weight.assign(tensor1d(value)));
        const decay = ema.update();
        expect(decay).toBeCloseTo(emaDecay(step + 1, { maxDecay: 0.5 }), 15);
        expected = expected.map((s, i) => s - (1 - decay) * (s - value[i]!));
      }
      // decays: 0, 2/11, 0.25
      expect(Array.from(await ema.averagedVariables.weight!.data())).toEqual(expected.map((x) => expect.closeTo(x, 5)));
      const state = ema.getState();
      const copy = new ExponentialMovingAverage({ variables: { weight }, options: { maxDecay: 0.5 } });
      copy.setState(state);
      expect(copy.step).toBe(3);
      const target = tidy(() => variable(tensor1d([0, 0])));
      copy.copyTo({ weight: target });
      expect(Array.from(await target.data())).toEqual(expected.map((x) => expect.closeTo(x, 5)));
      for (const t of [weight, target, state.weights.weight!]) t.dispose();
      ema.dispose();
      copy.dispose();
    });
  });
});
