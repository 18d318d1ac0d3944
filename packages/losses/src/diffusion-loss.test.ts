import { describeBackends } from '@diffuse/backends/testing';
import {
  ConfigError,
  expectNoTensorLeak,
  NoiseGenerator,
  type NoiseSchedule,
  type PredictionType,
  ShapeError,
  ValueError,
} from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createDiffusionLoss, diffusionLoss } from './diffusion-loss.js';
import { minSnrWeight } from './min-snr.js';

// Float64 references computed in plain JavaScript from the same float32 inputs.
const shape = [3, 2, 2, 2];
const perExampleSize = 8;
const generator = new NoiseGenerator(5);
const predictionValues = Float32Array.from(generator.normalArray({ shape, step: 0, stream: 'prediction' }));
const targetValues = Float32Array.from(generator.normalArray({ shape, step: 0, stream: 'target' }).map((v) => v * 2));
// Mask [3, 2, 2, 1]: example 0 keeps 3 pixels, example 1 keeps none, example 2 all; broadcast over 2 channels.
const maskValues = [1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1];

function linearSchedule(steps: number, zeroTerminalSnr = false): NoiseSchedule {
  const betas = Float64Array.from({ length: steps }, (_, t) => 1e-4 + ((0.02 - 1e-4) * t) / (steps - 1));
  const alphas = betas.map((beta) => 1 - beta);
  const alphasCumprod = new Float64Array(steps);
  alphas.reduce((product, alpha, t) => (alphasCumprod[t] = product * alpha), 1);
  if (zeroTerminalSnr) alphasCumprod[steps - 1] = 0;
  return { numTrainTimesteps: steps, betas, alphas, alphasCumprod };
}
const schedule = linearSchedule(1000);

type Kind = 'mse' | 'huber' | 'pseudo_huber';
function elementReference(kind: Kind, d: number, delta: number): number {
  if (kind === 'mse') return d * d;
  if (kind === 'huber') return Math.abs(d) <= delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta);
  return 2 * delta * (Math.sqrt(d * d + delta * delta) - delta);
}
/** Per-example masked means ℓ_b (before weights). */
function perExampleReference(kind: Kind, delta: number, masked: boolean): number[] {
  return [0, 1, 2].map((b) => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < perExampleSize; i++) {
      const index = b * perExampleSize + i;
      const keep = masked ? maskValues[Math.floor(index / 2)]! : 1;
      sum += keep * elementReference(kind, predictionValues[index]! - targetValues[index]!, delta);
      count += keep;
    }
    return count === 0 ? 0 : sum / count;
  });
}

const tensors = () => ({
  prediction: tf.tensor(predictionValues, shape),
  target: tf.tensor(targetValues, shape),
  mask: tf.tensor(maskValues, [3, 2, 2, 1]),
});

async function read(tensor: tf.Tensor): Promise<number[]> {
  const values = [...(await tensor.data())];
  tensor.dispose();
  return values;
}

function expectClose(actual: readonly number[], expected: readonly number[], digits = 5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    expect(value).toBeCloseTo(expected[i]!, digits);
  });
}

describeBackends('diffusionLoss', () => {
  it('MSE: mean equals L_simple, sum and none are the per-example sums and means', async () => {
    await expectNoTensorLeak(async () => {
      const { prediction, target, mask } = tensors();
      const perExample = perExampleReference('mse', 0, false);
      const mean = perExample.reduce((a, b) => a + b) / 3;
      expectClose(await read(diffusionLoss({ prediction, target })), [mean]);
      expectClose(await read(diffusionLoss({ prediction, target, reduction: 'sum' })), [mean * 3]);
      expectClose(await read(diffusionLoss({ prediction, target, reduction: 'none' })), perExample);
      tf.dispose([prediction, target, mask]);
    });
  });

  for (const [kind, delta] of [
    ['huber', 1],
    ['huber', 0.3],
    ['pseudo_huber', 0.1],
    ['pseudo_huber', 2],
  ] as const) {
    it(`${kind} (δ = ${delta}) per example matches the float64 formula`, async () => {
      await expectNoTensorLeak(async () => {
        const { prediction, target, mask } = tensors();
        const result = diffusionLoss({ prediction, target, kind, huberDelta: delta, reduction: 'none' });
        expectClose(await read(result), perExampleReference(kind, delta, false));
        tf.dispose([prediction, target, mask]);
      });
    });
  }

  it('uses δ = 1 for huber and c = 0.1 for pseudo_huber by default', async () => {
    const { prediction, target, mask } = tensors();
    const huber = await read(diffusionLoss({ prediction, target, kind: 'huber', reduction: 'none' }));
    expectClose(huber, perExampleReference('huber', 1, false));
    const pseudo = await read(diffusionLoss({ prediction, target, kind: 'pseudo_huber', reduction: 'none' }));
    expectClose(pseudo, perExampleReference('pseudo_huber', 0.1, false));
    tf.dispose([prediction, target, mask]);
  });

  it('masks exactly: divides by the broadcast mask sum per example, 0 for an example with nothing kept', async () => {
    await expectNoTensorLeak(async () => {
      const { prediction, target, mask } = tensors();
      const perExample = perExampleReference('mse', 0, true);
      expect(perExample[1]).toBe(0);
      expectClose(await read(diffusionLoss({ prediction, target, mask, reduction: 'none' })), perExample);
      expectClose(await read(diffusionLoss({ prediction, target, mask })), [perExample.reduce((a, b) => a + b) / 3]);
      const boolMask = tf.cast(mask, 'bool');
      expectClose(await read(diffusionLoss({ prediction, target, mask: boolMask, reduction: 'none' })), perExample);
      tf.dispose([prediction, target, mask, boolMask]);
    });
  });

  it('multiplies per-example weights (array or tensor) without normalising them', async () => {
    await expectNoTensorLeak(async () => {
      const { prediction, target, mask } = tensors();
      const perExample = perExampleReference('mse', 0, false);
      const weights = [0.5, 2, 0];
      const weighted = perExample.map((value, b) => value * weights[b]!);
      expectClose(await read(diffusionLoss({ prediction, target, weights, reduction: 'none' })), weighted);
      const weightTensor = tf.tensor1d(weights);
      const mean = await read(diffusionLoss({ prediction, target, weights: weightTensor }));
      expectClose(mean, [weighted.reduce((a, b) => a + b) / 3]);
      tf.dispose([prediction, target, mask, weightTensor]);
    });
  });

  for (const predictionType of ['epsilon', 'sample', 'v_prediction'] as const) {
    it(`Min-SNR-γ for ${predictionType}: weights follow the formula for numbers, arrays and int32 tensors`, async () => {
      await expectNoTensorLeak(async () => {
        const { prediction, target, mask } = tensors();
        const perExample = perExampleReference('mse', 0, false);
        const timesteps = [0, 150, 999];
        const snr = timesteps.map((t) => schedule.alphasCumprod[t]! / (1 - schedule.alphasCumprod[t]!));
        // The formulas as diffusers writes them (SNR > 0 here): min(SNR, γ) / SNR, min(SNR, γ), min(SNR, γ) / (SNR + 1).
        const formula = (s: number) =>
          predictionType === 'epsilon'
            ? Math.min(s, 5) / s
            : predictionType === 'sample'
              ? Math.min(s, 5)
              : Math.min(s, 5) / (s + 1);
        const expected = perExample.map((value, b) => value * formula(snr[b]!));
        const weighting = { type: 'min_snr', gamma: 5 } as const;
        const common = { prediction, target, schedule, weighting, predictionType, reduction: 'none' } as const;
        expectClose(await read(diffusionLoss({ ...common, timesteps })), expected);
        const timestepTensor = tf.tensor1d(timesteps, 'int32');
        expectClose(await read(diffusionLoss({ ...common, timesteps: timestepTensor })), expected);
        // One timestep for the whole batch: a number, a list of one, or a one-element tensor.
        const single = tf.tensor1d([150], 'int32');
        for (const shared of [150, [150], single]) {
          expectClose(
            await read(diffusionLoss({ ...common, timesteps: shared })),
            perExample.map((value) => value * formula(snr[1]!)),
          );
        }
        tf.dispose([prediction, target, mask, timestepTensor, single]);
      });
    });
  }

  it('stays finite on a zero-terminal-SNR schedule (ε weight → 1, v weight → 0 at SNR = 0)', async () => {
    await expectNoTensorLeak(async () => {
      const { prediction, target, mask } = tensors();
      const zeroTerminal = linearSchedule(1000, true);
      const perExample = perExampleReference('mse', 0, false);
      const common = { prediction, target, schedule: zeroTerminal, weighting: { type: 'min_snr', gamma: 5 } } as const;
      const timesteps = tf.tensor1d([999, 999, 999], 'int32');
      expectClose(await read(diffusionLoss({ ...common, timesteps, reduction: 'none' })), perExample);
      const velocity = await read(diffusionLoss({ ...common, timesteps, predictionType: 'v_prediction' }));
      expect(velocity).toEqual([0]);
      tf.dispose([prediction, target, mask, timesteps]);
    });
  });

  it('gradients: analytic d(loss)/d(prediction) for masked weighted MSE, Huber and pseudo-Huber', async () => {
    await expectNoTensorLeak(async () => {
      const { prediction, target, mask } = tensors();
      const weights = [0.5, 2, 3];
      const counts = [6, 0, 8]; // kept elements per example (mask × 2 channels)
      const cases: [Kind, number, (d: number) => number][] = [
        ['mse', 0, (d) => 2 * d],
        ['huber', 0.5, (d) => Math.max(-0.5, Math.min(0.5, d))],
        ['pseudo_huber', 0.1, (d) => (2 * 0.1 * d) / Math.sqrt(d * d + 0.01)],
      ];
      for (const [kind, delta, derivative] of cases) {
        const gradient = tf.grad((p: tf.Tensor) =>
          diffusionLoss({
            prediction: p,
            target,
            mask,
            weights,
            kind,
            ...(kind === 'mse' ? {} : { huberDelta: delta }),
          }),
        )(prediction);
        const expected = [...predictionValues].map((p, index) => {
          const b = Math.floor(index / perExampleSize);
          const keep = maskValues[Math.floor(index / 2)]!;
          return counts[b] === 0 ? 0 : (keep * weights[b]! * derivative(p - targetValues[index]!)) / counts[b]! / 3;
        });
        expectClose(await read(gradient), expected);
      }
      tf.dispose([prediction, target, mask]);
    });
  });

  it('trains through tf.variableGrads with Min-SNR-γ and tensor timesteps', async () => {
    await expectNoTensorLeak(async () => {
      const { prediction, target, mask } = tensors();
      const variable = tf.variable(prediction);
      const timesteps = tf.tensor1d([5, 500, 900], 'int32');
      const { value, grads } = tf.variableGrads(
        () =>
          diffusionLoss({
            prediction: variable,
            target,
            timesteps,
            schedule,
            weighting: { type: 'min_snr', gamma: 5 },
            predictionType: 'v_prediction',
          }) as tf.Scalar,
        [variable],
      );
      const gradient = grads[variable.name]!;
      const snr = [5, 500, 900].map((t) => schedule.alphasCumprod[t]! / (1 - schedule.alphasCumprod[t]!));
      const expected = [...predictionValues].map((p, index) => {
        const b = Math.floor(index / perExampleSize);
        const weight = minSnrWeight({ snr: snr[b]!, gamma: 5, predictionType: 'v_prediction' });
        return (2 * (p - targetValues[index]!) * weight) / perExampleSize / 3;
      });
      expectClose(await read(gradient), expected);
      expect((await read(value)).length).toBe(1);
      tf.dispose([prediction, target, mask, variable, timesteps]);
    });
  });

  it('createDiffusionLoss implements the core Loss spec with fixed settings', async () => {
    await expectNoTensorLeak(async () => {
      const { prediction, target, mask } = tensors();
      const loss = createDiffusionLoss({ schedule, weighting: { type: 'min_snr', gamma: 1 }, reduction: 'none' });
      const viaSpec = await read(loss({ prediction, target, timesteps: [0, 1, 2], mask }));
      const direct = await read(
        diffusionLoss({
          prediction,
          target,
          timesteps: [0, 1, 2],
          mask,
          schedule,
          weighting: { type: 'min_snr', gamma: 1 },
          reduction: 'none',
        }),
      );
      expectClose(viaSpec, direct, 6);
      tf.dispose([prediction, target, mask]);
    });
  });

  it('refuses bad shapes and options with typed errors, leaking nothing', async () => {
    await expectNoTensorLeak(async () => {
      const { prediction, target, mask } = tensors();
      const other = tf.zeros([3, 2, 2, 4]);
      const weightTensor = tf.ones([2]);
      const expectError = (build: () => unknown, type: { isInstance(error: unknown): boolean }, message: RegExp) => {
        let caught: unknown;
        try {
          build();
        } catch (error) {
          caught = error;
        }
        expect(type.isInstance(caught), String(caught)).toBe(true);
        expect((caught as Error).message).toMatch(message);
      };
      expectError(
        () => diffusionLoss({ prediction, target: other }),
        ShapeError,
        /target.*\[3, 2, 2, 2\].*learned-variance/,
      );
      expectError(() => diffusionLoss({ prediction, target, mask: other }), ShapeError, /mask.*broadcastable/);
      expectError(() => diffusionLoss({ prediction, target, weights: [1, 2] }), ShapeError, /weights.*3 per-example/);
      expectError(
        () => diffusionLoss({ prediction, target, weights: weightTensor as tf.Tensor1D }),
        ShapeError,
        /weights/,
      );
      expectError(() => diffusionLoss({ prediction, target, kind: 'l1' as 'mse' }), ConfigError, /kind/);
      expectError(() => diffusionLoss({ prediction, target, reduction: 'max' as 'mean' }), ConfigError, /reduction/);
      expectError(() => diffusionLoss({ prediction, target, huberDelta: 1 }), ConfigError, /huberDelta.*mse/);
      expectError(() => diffusionLoss({ prediction, target, kind: 'huber', huberDelta: 0 }), ValueError, /huberDelta/);
      const minSnr = { type: 'min_snr', gamma: 5 } as const;
      // A misspelt option is refused, not replaced by its default.
      expect(() => diffusionLoss({ prediction, target, reduce: 'sum' } as never)).toThrow(
        /`reduce`: expected an option of diffusionLoss/,
      );
      expect(() => createDiffusionLoss({ weigthing: minSnr } as never)).toThrow(ConfigError);
      expectError(
        () => diffusionLoss({ prediction, target, weighting: minSnr, timesteps: [1, 2, 3] }),
        ConfigError,
        /schedule/,
      );
      expectError(() => diffusionLoss({ prediction, target, weighting: minSnr, schedule }), ConfigError, /timesteps/);
      expectError(
        () => diffusionLoss({ prediction, target, weighting: { type: 'min_snr', gamma: -1 }, schedule, timesteps: 1 }),
        ValueError,
        /gamma/,
      );
      expectError(
        () => diffusionLoss({ prediction, target, weighting: minSnr, schedule, timesteps: [1, 2, 1000] }),
        ValueError,
        /timesteps\[2\].*\[0, 999\]/,
      );
      expectError(
        () => diffusionLoss({ prediction, target, predictionType: 'noise' as PredictionType }),
        ConfigError,
        /predictionType/,
      );
      expectError(() => createDiffusionLoss({ weighting: minSnr }), ConfigError, /schedule/);
      tf.dispose([prediction, target, mask, other, weightTensor]);
    });
  });
});
