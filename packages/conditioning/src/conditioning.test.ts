import { describeBackends } from '@diffuse/backends/testing';
import { type Denoiser, expectNoTensorLeak, NoiseGenerator, ShapeError, ValueError } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ClassConditioner, dropClassLabels } from './class-labels.js';
import { classifierFreeGuidance, guidedDenoiser } from './guidance.js';

/** A denoiser whose output depends on the label in a known way: x·(label + 1) + t/1000. */
const labelledDenoiser: Denoiser = {
  predict({ sample, timestep, classLabels }) {
    return tf.tidy(() => {
      const labels = classLabels instanceof tf.Tensor ? classLabels : tf.tensor1d(classLabels as number[], 'int32');
      const factor = labels.toFloat().add(1).reshape([-1, 1, 1, 1]);
      // One timestep, or one per item (numbers or a tensor); a different count is an error.
      const t =
        typeof timestep === 'number'
          ? tf.scalar(timestep)
          : (timestep instanceof tf.Tensor ? timestep : tf.tensor1d(timestep as number[]))
              .toFloat()
              .reshape([-1, 1, 1, 1]);
      if (t.shape[0] !== 1 && t.shape[0] !== sample.shape[0] && t.rank === 4) {
        throw new ShapeError({
          argument: 'timestep',
          expected: `1 or ${sample.shape[0]} timesteps`,
          received: t.shape,
        });
      }
      return sample.mul(factor).add(t.div(1000)) as tf.Tensor4D;
    });
  },
};

describe('label dropout and ClassConditioner', () => {
  it('drops about p of the labels, reproducibly', () => {
    const generator = new NoiseGenerator(3);
    const labels = Int32Array.from({ length: 10_000 }, (_, i) => i % 10);
    const dropped = dropClassLabels({ labels, probability: 0.2, nullClass: 10, generator, step: 5 });
    const fraction = dropped.filter((label) => label === 10).length / labels.length;
    expect(fraction).toBeGreaterThan(0.18);
    expect(fraction).toBeLessThan(0.22);
    expect(dropClassLabels({ labels, probability: 0.2, nullClass: 10, generator, step: 5 })).toEqual(dropped);
    dropped.forEach((label, i) => {
      expect(label === 10 || label === labels[i]).toBe(true);
    });
    expect(() => dropClassLabels({ labels, probability: 1.5, nullClass: 10, generator, step: 0 })).toThrow(ValueError);
    expect(() => dropClassLabels({ labels: [1, 2.5], probability: 0.1, nullClass: 10, generator, step: 0 })).toThrow(
      /`labels\[1\]`: expected an integer ≥ 0, received 2.5/,
    );
  });

  it('rejects labels out of range and a null class inside the classes', () => {
    const conditioner = new ClassConditioner({ numClasses: 10 });
    expect(conditioner.nullClass).toBe(10);
    expect(() => conditioner.encode([3, 10])).toThrow(/conditions\[1\]/);
    expect(() => new ClassConditioner({ numClasses: 10, nullClass: 4 })).toThrow(/nullClass/);
    expect(() => new ClassConditioner({ numClasses: 0 })).toThrow(ValueError);
  });
});

describe('guidance options', () => {
  it('refuses a guidance rescale outside [0, 1] when the guided denoiser is made', () => {
    expect(() => guidedDenoiser({ denoiser: labelledDenoiser, scale: 2, nullClass: 9, guidanceRescale: 1.5 })).toThrow(
      /`guidanceRescale`: expected a number in \[0, 1\], received 1.5/,
    );
  });
});

describeBackends('classifier-free guidance', () => {
  it('combines predictions as ε_u + w·(ε_c − ε_u)', async () => {
    await expectNoTensorLeak(async () => {
      const unconditional = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
      const conditional = tf.tensor4d([2, 2, 1, 8], [1, 2, 2, 1]);
      const guided = classifierFreeGuidance({ unconditional, conditional, scale: 3 });
      expect(Array.from(await guided.data())).toEqual([4, 2, -3, 16]);
      const same = classifierFreeGuidance({ unconditional, conditional, scale: 1 });
      expect(Array.from(await same.data())).toEqual([2, 2, 1, 8]);
      tf.dispose([unconditional, conditional, guided, same]);
    });
  });

  it('with guidance rescale φ = 1 matches the conditional standard deviation', async () => {
    await expectNoTensorLeak(async () => {
      const generator = new NoiseGenerator(1);
      const unconditional = generator.normal({ shape: [2, 4, 4, 1], step: 0 });
      const conditional = tf.tidy(() => generator.normal({ shape: [2, 4, 4, 1], step: 1 }).mul(2));
      const guided = classifierFreeGuidance({ unconditional, conditional, scale: 5, guidanceRescale: 1 });
      const std = (x: tf.Tensor) => tf.tidy(() => tf.moments(x, [1, 2, 3]).variance.sqrt());
      const [a, b] = [std(guided), std(conditional)];
      const [got, want] = [await a.data(), await b.data()];
      got.forEach((value, i) => {
        expect(value).toBeCloseTo(want[i]!, 4);
      });
      tf.dispose([unconditional, conditional, guided, a, b]);
    });
  });

  it('guidedDenoiser runs one doubled batch and guides towards the labels', async () => {
    await expectNoTensorLeak(async () => {
      const sample = tf.tensor4d([1, -1, 0.5, 2], [2, 1, 2, 1]);
      const guided = guidedDenoiser({ denoiser: labelledDenoiser, scale: 2, nullClass: 9 });
      const output = guided.predict({ sample, timestep: [100, 200], classLabels: [0, 3] });
      // conditional: x·(l+1) + t/1000; unconditional: x·10 + t/1000; guided = 2·cond − uncond.
      const expected = [1, -1, 0.5, 2].map((x, i) => {
        const label = i < 2 ? 0 : 3;
        const t = (i < 2 ? 100 : 200) / 1000;
        return 2 * (x * (label + 1) + t) - (x * 10 + t);
      });
      (await output.data()).forEach((value, i) => {
        expect(value).toBeCloseTo(expected[i]!, 5);
      });
      // One timestep for the whole batch (a list of one, or a one-element tensor) stays one.
      const single = tf.tensor1d([100], 'int32');
      for (const timestep of [[100], single]) {
        const shared = guided.predict({ sample, timestep, classLabels: [0, 3] });
        const expectedShared = [1, -1, 0.5, 2].map((x, i) => 2 * (x * (i < 2 ? 1 : 4) + 0.1) - (x * 10 + 0.1));
        (await shared.data()).forEach((value, i) => {
          expect(value).toBeCloseTo(expectedShared[i]!, 5);
        });
        shared.dispose();
      }
      single.dispose();
      expect(() => guided.predict({ sample, timestep: 1, classLabels: [1] })).toThrow(ShapeError);
      expect(() => guided.predict({ sample, timestep: 1 })).toThrow(/classLabels/);
      tf.dispose([sample, output]);
    });
  });
});
