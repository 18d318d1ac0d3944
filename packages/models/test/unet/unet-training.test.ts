/**
 * Gradients reach every trainable weight and a few Adam steps fit a fixed batch: the model trains with
 * plain tfjs optimisers.
 */
import { describeBackends } from '@diffuse/backends/testing';
import { NoiseGenerator } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { type UNet2DConfigInput, UNet2DModel } from '../../src/index.js';

const CONFIG: UNet2DConfigInput = {
  blockOutChannels: [8, 16],
  downBlockTypes: ['DownBlock2D', 'AttnDownBlock2D'],
  upBlockTypes: ['AttnUpBlock2D', 'UpBlock2D'],
  layersPerBlock: 1,
  normNumGroups: 4,
  attentionHeadDim: 4,
  numClassEmbeds: 3,
  dropout: 0.1,
};

describeBackends(
  'UNet2DModel training',
  () => {
    it('gives every trainable weight a finite gradient', async () => {
      const model = new UNet2DModel(CONFIG, { seed: 1 });
      const generator = new NoiseGenerator(2);
      const sample = generator.normal({ shape: [2, 8, 8, 3], step: 0 }) as tf.Tensor4D;
      const target = generator.normal({ shape: [2, 8, 8, 3], step: 1 });
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(
        () =>
          tf.losses.meanSquaredError(
            target,
            model.predict({ sample, timestep: [5, 50], classLabels: [0, 2], training: true }),
          ),
        model.trainableVariables,
      );
      const names = [...model.parameters()].filter(([, variable]) => variable.trainable).map(([name]) => name);
      expect(Object.keys(grads).length).toBe(names.length);
      const stacked = tf.tidy(() => tf.stack(Object.values(grads).map((g) => tf.norm(g))));
      const norms = Array.from(await stacked.data());
      stacked.dispose();
      expect(norms.every(Number.isFinite)).toBe(true);
      // the label table rows that were used, and every conv and norm, receive a gradient
      expect(norms.filter((n) => n > 0).length).toBe(norms.length);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([sample, target]);
      model.dispose();
    });

    it('reduces an MSE loss in a few Adam steps', async () => {
      const model = new UNet2DModel(CONFIG, { seed: 1 });
      const generator = new NoiseGenerator(3);
      const sample = generator.normal({ shape: [2, 8, 8, 3], step: 0 }) as tf.Tensor4D;
      const target = generator.normal({ shape: [2, 8, 8, 3], step: 1 });
      const optimizer = tf.train.adam(3e-3);
      const loss = () =>
        tf.losses.meanSquaredError(
          target,
          model.predict({ sample, timestep: [5, 50], classLabels: [0, 2] }),
        ) as tf.Scalar;
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const value = optimizer.minimize(loss, true, model.trainableVariables)!;
        losses.push((await value.data())[0]!);
        value.dispose();
      }
      expect(losses[5]!).toBeLessThan(losses[0]! * 0.9);
      optimizer.dispose();
      tf.dispose([sample, target]);
      model.dispose();
    });
  },
  { only: ['cpu', 'wasm'] },
);
