/**
 * `UNet2DModel` behaviour: inputs, determinism, dropout, saving and loading diffusers files, typed
 * errors and tensor ownership.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak, FormatError, NoiseGenerator, ShapeError, StateError, ValueError } from '@diffuse/core';
import { parseDiffusersModel, readSafetensors } from '@diffuse/io';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { currentWeightName, type UNet2DConfigInput, UNet2DModel, WeightMismatchError } from '../../src/index.js';
import { UNet2DModel as NodeUNet2DModel } from '../../src/unet/node/index.js';
import { DDPM_CIFAR10_CONFIG, DDPM_CIFAR10_PARAMETERS } from './ddpm-cifar10-config.js';
import { caseFolder, readCaseFiles, readCaseTensors } from './fixture-cases.js';

const TINY: UNet2DConfigInput = {
  sampleSize: 8,
  blockOutChannels: [8, 16],
  downBlockTypes: ['DownBlock2D', 'AttnDownBlock2D'],
  upBlockTypes: ['AttnUpBlock2D', 'UpBlock2D'],
  layersPerBlock: 1,
  normNumGroups: 4,
  attentionHeadDim: 4,
};

const temporary = mkdtempSync(join(tmpdir(), 'diffuse-unet-'));
afterAll(() => rmSync(temporary, { recursive: true, force: true }));

function sampleTensor(shape = [2, 8, 8, 3]): tf.Tensor4D {
  return new NoiseGenerator(5).normal({ shape, step: 0 }) as tf.Tensor4D;
}

async function outputOf(model: UNet2DModel, input: Parameters<UNet2DModel['predict']>[0]): Promise<Float32Array> {
  const output = model.predict(input);
  const values = (await output.data()) as Float32Array;
  output.dispose();
  return values;
}

describeBackends(
  'UNet2DModel',
  () => {
    it('takes timesteps as a number, an array, an int32 tensor or one value to broadcast', async () => {
      const model = new UNet2DModel(TINY, { seed: 1 });
      const sample = sampleTensor();
      const fromArray = await outputOf(model, { sample, timestep: [7, 7] });
      const fromNumber = await outputOf(model, { sample, timestep: 7 });
      const int32 = tf.tensor1d([7, 7], 'int32');
      const single = tf.tensor1d([7]);
      expect(fromNumber).toEqual(fromArray);
      expect(await outputOf(model, { sample, timestep: int32 })).toEqual(fromArray);
      expect(await outputOf(model, { sample, timestep: single })).toEqual(fromArray);
      const other = await outputOf(model, { sample, timestep: [7, 700] });
      expect(Array.from(other.slice(0, 192))).toEqual(Array.from(fromArray.slice(0, 192)));
      expect(Array.from(other.slice(192))).not.toEqual(Array.from(fromArray.slice(192)));
      tf.dispose([sample, int32, single]);
      model.dispose();
    });

    it('refuses bad inputs with typed errors', () => {
      const model = new UNet2DModel(TINY);
      expect(Object.isFrozen(model.unetConfig) && Object.isFrozen(model.unetConfig.blockOutChannels)).toBe(true);
      const fourChannels = tf.zeros([1, 8, 8, 4]) as tf.Tensor4D;
      const oddSize = tf.zeros([1, 7, 8, 3]) as tf.Tensor4D;
      const sample = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
      expect(() => model.predict({ sample: fourChannels, timestep: 1 })).toThrow(ShapeError);
      expect(() => model.predict({ sample: oddSize, timestep: 1 })).toThrow(/multiples of 2/);
      expect(() => model.predict({ sample, timestep: [1, 2, 3] })).toThrow(/timestep/);
      expect(() => model.predict({ sample, timestep: Number.NaN })).toThrow(ValueError);
      expect(() => model.predict({ sample, timestep: 1, classLabels: [0, 1] })).toThrow(/class embedding/);
      const classes = new UNet2DModel({ ...TINY, numClassEmbeds: 3 });
      expect(() => classes.predict({ sample, timestep: 1 })).toThrow(/classLabels/);
      expect(() => classes.predict({ sample, timestep: 1, classLabels: [0] })).toThrow(ShapeError);
      expect(() => classes.predict({ sample, timestep: 1, classLabels: [0, 3] })).toThrow(/integers in \[0, 2\]/);
      expect(() => classes.predict({ sample, timestep: 1, classLabels: [0, 1.5] })).toThrow(ValueError);
      const learned = new UNet2DModel({ ...TINY, timeEmbeddingType: 'learned', numTrainTimesteps: 10 });
      expect(() => learned.predict({ sample, timestep: 10 })).toThrow(/timestep/);
      learned.dispose();
      expect(() => new UNet2DModel(TINY, { seed: 1, generator: new NoiseGenerator(1) })).toThrow(/not both/);
      tf.dispose([fourChannels, oddSize, sample]);
      model.dispose();
      classes.dispose();
      expect(() => model.predict({ sample, timestep: 1 })).toThrow(StateError);
    });

    it('initialises deterministically from the seed, with PyTorch default scales', async () => {
      const [a, b, c] = [1, 1, 2].map((seed) => new UNet2DModel(TINY, { seed }));
      const name = 'down_blocks.0.resnets.0.conv1.weight';
      const values = await Promise.all([a, b, c].map((model) => model!.parameters().get(name)!.data()));
      expect(values[0]).toEqual(values[1]);
      expect(values[0]).not.toEqual(values[2]);
      const bound = 1 / Math.sqrt(8 * 9);
      expect(Math.max(...Array.from(values[0]!, Math.abs))).toBeLessThanOrEqual(bound);
      expect(Array.from(await a!.parameters().get('conv_norm_out.weight')!.data())).toEqual(new Array(8).fill(1));
      for (const model of [a, b, c]) model!.dispose();
    });

    it('applies seeded dropout only when training', async () => {
      const config = { ...TINY, dropout: 0.5 };
      const sample = sampleTensor();
      const [first, second] = [new UNet2DModel(config, { seed: 3 }), new UNet2DModel(config, { seed: 3 })];
      const evaluation = await outputOf(first!, { sample, timestep: 10 });
      expect(await outputOf(first!, { sample, timestep: 10, training: false })).toEqual(evaluation);
      const trainingA = await outputOf(first!, { sample, timestep: 10, training: true });
      const trainingB = await outputOf(second!, { sample, timestep: 10, training: true });
      expect(trainingA).not.toEqual(evaluation);
      expect(trainingA).toEqual(trainingB); // same seed, same step
      const next = await expectNoTensorLeak(() => outputOf(first!, { sample, timestep: 10, training: true }));
      expect(next).not.toEqual(trainingA); // the next step draws new masks
      expect(first!.dropoutStep).toBe(2);
      first!.dropoutStep = 0; // rewinding replays the masks
      expect(await outputOf(first!, { sample, timestep: 10, training: true })).toEqual(trainingA);
      sample.dispose();
      first!.dispose();
      second!.dispose();
    });

    it('round-trips through toFiles and fromFiles with identical outputs', async () => {
      const model = new UNet2DModel({ ...TINY, numClassEmbeds: 4, resnetTimeScaleShift: 'scale_shift' }, { seed: 9 });
      const sample = sampleTensor();
      const input = { sample, timestep: [3, 900], classLabels: [1, 3] };
      const expected = await outputOf(model, input);
      const { config, weights } = await model.toFiles();
      const loaded = UNet2DModel.fromFiles(parseDiffusersModel({ config, weights }));
      expect(loaded.config).toEqual(model.config);
      expect(await outputOf(loaded, input)).toEqual(expected);
      sample.dispose();
      model.dispose();
      loaded.dispose();
    });

    it('loads and disposes without leaking tensors', async () => {
      const files = await readCaseFiles('attn-multihead');
      const sample = sampleTensor();
      await expectNoTensorLeak(async () => {
        for (let i = 0; i < 3; i++) {
          const model = UNet2DModel.fromFiles(files);
          const output = model.predict({ sample, timestep: [1, 2] });
          await output.data();
          output.dispose();
          model.dispose();
        }
      });
      sample.dispose();
    });
  },
  { only: ['cpu', 'wasm'] },
);

describeBackends(
  'UNet2DModel files',
  () => {
    it('savePretrained writes what diffusers wrote: same names, PyTorch layouts, values and config', async () => {
      const dir = join(temporary, 'resaved');
      const model = await NodeUNet2DModel.fromPretrained(caseFolder('scale-shift'));
      await model.savePretrained(dir);
      const original = readSafetensors(
        readFileSync(join(caseFolder('scale-shift'), 'diffusion_pytorch_model.safetensors')),
      );
      const saved = readSafetensors(readFileSync(join(dir, 'diffusion_pytorch_model.safetensors')));
      expect(saved.metadata).toEqual({ format: 'pt' });
      expect([...saved.tensors.keys()].sort()).toEqual([...original.tensors.keys()].sort());
      for (const [name, tensor] of original.tensors) {
        expect(saved.tensors.get(name)?.shape, name).toEqual(tensor.shape);
        expect(saved.tensors.get(name)?.data, name).toEqual(tensor.data);
      }
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      const originalConfig = JSON.parse(readFileSync(join(caseFolder('scale-shift'), 'config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(config).toEqual(originalConfig);

      const reloaded = await NodeUNet2DModel.fromPretrained(dir);
      const sample = sampleTensor();
      expect(await outputOf(reloaded, { sample, timestep: [4, 40] })).toEqual(
        await outputOf(model, { sample, timestep: [4, 40] }),
      );
      tf.dispose(sample);
      model.dispose();
      reloaded.dispose();
    });

    it('renames legacy attention keys (query/key/value/proj_attn) like diffusers', async () => {
      expect(currentWeightName('mid_block.attentions.0.query.weight')).toBe('mid_block.attentions.0.to_q.weight');
      expect(currentWeightName('up_blocks.1.attentions.2.proj_attn.bias')).toBe(
        'up_blocks.1.attentions.2.to_out.0.bias',
      );
      expect(currentWeightName('up_blocks.1.attentions.2.group_norm.bias')).toBe(
        'up_blocks.1.attentions.2.group_norm.bias',
      );
      const legacy = UNet2DModel.fromFiles(await readCaseFiles('legacy-keys'));
      const current = UNet2DModel.fromFiles(await readCaseFiles('attn-multihead'));
      const legacyValues = await legacy.stateDict();
      for (const [name, tensor] of await current.stateDict())
        expect(legacyValues.get(name)?.data, name).toEqual(tensor.data);
      legacy.dispose();
      current.dispose();
    });

    it('names missing, unexpected and mis-shaped weights in a WeightMismatchError', async () => {
      const files = await readCaseFiles('down-up-plain');
      const tensors = new Map(files.weights.tensors);
      const moved = tensors.get('conv_in.bias')!;
      tensors.delete('conv_in.bias');
      tensors.delete('mid_block.resnets.0.norm1.weight');
      tensors.set('conv_in.biass', moved);
      tensors.set('conv_out.weight', { ...moved, shape: [3, 24, 3, 4] });
      let caught: unknown;
      try {
        UNet2DModel.fromFiles({ config: files.config, weights: { tensors, metadata: {} } });
      } catch (error) {
        caught = error;
      }
      expect(WeightMismatchError.isWeightMismatch(caught)).toBe(true);
      expect(FormatError.isInstance(caught)).toBe(true);
      const error = caught as WeightMismatchError;
      expect(error.missingKeys).toEqual(['conv_in.bias', 'mid_block.resnets.0.norm1.weight']);
      expect(error.unexpectedKeys).toEqual(['conv_in.biass']);
      expect(error.shapeMismatches).toEqual([
        { name: 'conv_out.weight', expected: [3, 24, 3, 3], received: [3, 24, 3, 4] },
      ]);
      expect(error.message).toMatch(/conv_in\.biass/);
      expect(error.message).toMatch(/conv_out\.weight/);
    });

    it('loadStateDict replaces the weights of a live model', async () => {
      const files = await readCaseFiles('down-up-plain');
      const tensors = readCaseTensors('down-up-plain');
      const model = UNet2DModel.fromConfig(files.config, { seed: 4 });
      model.loadStateDict(files.weights.tensors);
      const sample = tensors.get('sample')!;
      const input = tf.tensor4d(sample.data, sample.shape as [number, number, number, number]);
      const got = await outputOf(model, { sample: input, timestep: Array.from(tensors.get('timestep')!.data) });
      const expected = tensors.get('expected')!.data;
      expect(Math.max(...got.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-4);
      input.dispose();
      model.dispose();
    });

    it('fromUrl fetches config.json and the safetensors file next to each other', async () => {
      const requested: string[] = [];
      const fetchFixture = (async (url: string | URL | Request) => {
        const text = String(url);
        requested.push(text);
        const file = text.replace('https://example.com/unet/', '');
        return new Response(readFileSync(join(caseFolder('class-embed'), file)));
      }) as typeof fetch;
      const model = await UNet2DModel.fromUrl('https://example.com/unet/', { fetch: fetchFixture });
      expect(requested.sort()).toEqual([
        'https://example.com/unet/config.json',
        'https://example.com/unet/diffusion_pytorch_model.safetensors',
      ]);
      expect(model.unetConfig.numClassEmbeds).toBe(10);
      expect(model.numParameters).toBe(UNet2DModel.countParameters(model.unetConfig));
      model.dispose();
    });

    it('keeps the Fourier projection fixed (counted, not trainable)', () => {
      const model = new UNet2DModel({ ...TINY, timeEmbeddingType: 'fourier' });
      expect(model.parameters().has('time_proj.weight')).toBe(true);
      expect(model.trainableVariables).not.toContain(model.parameters().get('time_proj.weight'));
      expect(model.trainableVariables.length).toBe(model.parameters().size - 1);
      model.dispose();
    });

    it('builds google/ddpm-cifar10-32 with 35,746,307 parameters', () => {
      const model = new UNet2DModel(DDPM_CIFAR10_CONFIG);
      let total = 0;
      for (const variable of model.parameters().values()) total += variable.size;
      expect(total).toBe(DDPM_CIFAR10_PARAMETERS);
      expect(model.numParameters).toBe(DDPM_CIFAR10_PARAMETERS);
      model.dispose();
    });
  },
  { only: ['cpu'] },
);
