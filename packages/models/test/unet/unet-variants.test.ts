/**
 * Config variants without PyTorch fixtures, checked by equivalences that follow from diffusers'
 * definitions: a `timestep` class embedding with the time MLP's weights doubles the time embedding; a
 * `learned` time table holding the sinusoidal rows equals the positional model; no mid block still runs.
 */
import { describeBackends } from '@diffuse/backends/testing';
import { NoiseGenerator } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  type AttentionInput,
  type GroupNormInput,
  groupNorm,
  scaledDotProductAttention,
  timestepEmbedding,
  type UNet2DConfigInput,
  UNet2DModel,
} from '../../src/index.js';

const BASE: UNet2DConfigInput = {
  blockOutChannels: [8, 16],
  downBlockTypes: ['DownBlock2D', 'AttnDownBlock2D'],
  upBlockTypes: ['AttnUpBlock2D', 'UpBlock2D'],
  layersPerBlock: 1,
  normNumGroups: 4,
  attentionHeadDim: 4,
};

async function values(model: UNet2DModel): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, variable] of model.parameters()) out.set(name, (await variable.data()) as Float32Array);
  return out;
}

async function predictValues(model: UNet2DModel, input: Parameters<UNet2DModel['predict']>[0]): Promise<Float32Array> {
  const output = model.predict(input);
  const data = (await output.data()) as Float32Array;
  output.dispose();
  return data;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
}

describeBackends(
  'UNet2DModel variants',
  () => {
    it('classEmbedType "timestep" embeds labels through time_proj and its own MLP', async () => {
      const conditional = new UNet2DModel({ ...BASE, classEmbedType: 'timestep' }, { seed: 1 });
      const weights = await values(conditional);
      for (const part of ['linear_1.weight', 'linear_1.bias', 'linear_2.weight', 'linear_2.bias']) {
        conditional
          .parameters()
          .get(`class_embedding.${part}`)!
          .assign(
            tf.tensor(
              weights.get(`time_embedding.${part}`)!,
              conditional.parameters().get(`class_embedding.${part}`)!.shape,
            ),
          );
      }
      // the same labels as timesteps: emb = 2·MLP(proj(t)) = the time MLP with linear_2 doubled
      const doubled = new Map([...weights].filter(([name]) => !name.startsWith('class_embedding')));
      for (const part of ['linear_2.weight', 'linear_2.bias']) {
        doubled.set(
          `time_embedding.${part}`,
          weights.get(`time_embedding.${part}`)!.map((v) => v * 2),
        );
      }
      const plain = new UNet2DModel(BASE, { initialValues: doubled });
      const sample = new NoiseGenerator(2).normal({ shape: [2, 8, 8, 3], step: 0 }) as tf.Tensor4D;
      const got = await predictValues(conditional, { sample, timestep: [3, 40], classLabels: [3, 40] });
      const expected = await predictValues(plain, { sample, timestep: [3, 40] });
      expect(maxDifference(got, expected)).toBeLessThan(1e-5);
      expect(() => conditional.predict({ sample, timestep: 1 })).toThrow(/classLabels/);
      for (const item of [conditional, plain, sample]) item.dispose();
    });

    it('a learned time table holding the sinusoidal rows equals the positional embedding', async () => {
      const positional = new UNet2DModel(BASE, { seed: 3 });
      const table = tf.tidy(() =>
        timestepEmbedding({ timesteps: tf.range(0, 50) as tf.Tensor1D, dim: 8, flipSinToCos: true, freqShift: 0 }),
      );
      const initialValues = await values(positional);
      initialValues.set('time_proj.weight', (await table.data()) as Float32Array);
      const learned = new UNet2DModel(
        { ...BASE, timeEmbeddingType: 'learned', numTrainTimesteps: 50 },
        { initialValues },
      );
      const sample = new NoiseGenerator(4).normal({ shape: [2, 8, 8, 3], step: 0 }) as tf.Tensor4D;
      const got = await predictValues(learned, { sample, timestep: [7, 49] });
      const expected = await predictValues(positional, { sample, timestep: [7, 49] });
      expect(maxDifference(got, expected)).toBeLessThan(1e-5);
      for (const item of [positional, learned, sample, table]) item.dispose();
    });

    it('uses replacement GroupNorm and attention kernels', async () => {
      const calls = { groupNorm: 0, attention: 0 };
      const kernels = {
        groupNorm: (input: GroupNormInput) => {
          calls.groupNorm++;
          return groupNorm(input);
        },
        attention: (input: AttentionInput) => {
          calls.attention++;
          return scaledDotProductAttention(input);
        },
      };
      const [reference, swapped] = [new UNet2DModel(BASE, { seed: 5 }), new UNet2DModel(BASE, { seed: 5, kernels })];
      const sample = new NoiseGenerator(6).normal({ shape: [1, 8, 8, 3], step: 0 }) as tf.Tensor4D;
      expect(await predictValues(swapped!, { sample, timestep: 9 })).toEqual(
        await predictValues(reference!, { sample, timestep: 9 }),
      );
      // 8 ResNets (down 2, mid 2, up 4) × 2 norms + 4 attention norms + conv_norm_out; attentions: down 1, mid 1, up 2
      expect(calls).toEqual({ groupNorm: 21, attention: 4 });
      for (const item of [reference!, swapped!, sample]) item.dispose();
    });

    it('runs without a mid block, and refuses a cross-attention context', async () => {
      const model = new UNet2DModel({ ...BASE, midBlockType: null });
      expect([...model.parameters().keys()].some((name) => name.startsWith('mid_block'))).toBe(false);
      const sample = tf.ones([1, 8, 8, 3]) as tf.Tensor4D;
      const output = model.predict({ sample, timestep: 1 });
      expect(output.shape).toEqual([1, 8, 8, 3]);
      expect(() => model.predict({ sample, timestep: 1, context: sample })).toThrow(/cross-attention/);
      for (const item of [model, sample, output]) item.dispose();
    });
  },
  { only: ['cpu', 'wasm'] },
);
