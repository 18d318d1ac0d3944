/**
 * End-to-end tests of the `diffuse` commands on small models, in-process (runDiffuse with a captured
 * context), on the wasm backend.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@diffuse/backends';
import { UNet2DModel } from '@diffuse/models/node';
import { memory } from '@tensorflow/tfjs-core';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/run-cli.js';
import { runDiffuse } from '../src/main.js';
import { saveDenoiserFolder, trainingSchedulerConfig } from '../src/training/denoiser-folder.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

async function diffuse(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: { DIFFUSE_BACKEND: 'wasm' },
  };
  const status = await runDiffuse(argv, context);
  return { status, stdout, stderr };
}

let directory: string;
let moons: string;
let unet: string;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
  directory = await mkdtemp(join(tmpdir(), 'diffuse-cli-test-'));
  moons = join(directory, 'moons');
  unet = join(directory, 'unet');
  // A tiny random U-Net at Fashion-MNIST's size, saved as a model folder.
  const model = new UNet2DModel({
    sampleSize: 28,
    inChannels: 1,
    outChannels: 1,
    layersPerBlock: 1,
    blockOutChannels: [8, 8],
    normNumGroups: 4,
    downBlockTypes: ['DownBlock2D', 'AttnDownBlock2D'],
    upBlockTypes: ['AttnUpBlock2D', 'UpBlock2D'],
    attentionHeadDim: 4,
  });
  await saveDenoiserFolder(
    unet,
    model,
    trainingSchedulerConfig({
      numTrainTimesteps: 1000,
      betaSchedule: 'linear',
      predictionType: 'epsilon',
      clipSample: true,
    }),
  );
  model.dispose();
});

describe('diffuse train / sample / eval / bench on a 2-D model', () => {
  it('trains, writes a model folder and resumes from its checkpoint', async () => {
    const first = await diffuse(
      'train',
      '--data',
      'two-moons',
      '--steps',
      '30',
      '--checkpoint-every',
      '20',
      '--out',
      moons,
    );
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/steps: 30 in /);
    for (const file of [
      'config.json',
      'diffusion_pytorch_model.safetensors',
      'scheduler_config.json',
      'metrics.jsonl',
    ]) {
      expect(existsSync(join(moons, file))).toBe(true);
    }
    const record = JSON.parse(await readFile(join(moons, 'training.json'), 'utf8'));
    expect(record).toMatchObject({ data: 'two-moons', steps: 30, backend: 'wasm' });
    expect(record.command).toContain('--steps 30');
    expect(record.finalLoss).toBeLessThan(record.firstLoss);
    const resumed = await diffuse('train', '--data', 'two-moons', '--steps', '40', '--out', moons, '--resume');
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain('(step 30)');
    expect(resumed.stdout).toMatch(/steps: 40 in /);
  });

  it('samples a scatter plot over the true distribution', async () => {
    const out = join(directory, 'moons.png');
    const run = await diffuse('sample', '--model', moons, '--n', '300', '--steps', '10', '--out', out);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`wrote ${out}`);
    const png = decode(await readFile(out));
    expect([png.width, png.height, png.channels]).toEqual([512, 512, 3]);
  });

  it('evaluates energy distance and MMD beside their floors', async () => {
    const run = await diffuse('eval', '--model', moons, '--n', '300', '--steps', '10', '--json');
    expect(run.status).toBe(0);
    const metrics = JSON.parse(run.stdout);
    expect(metrics.distribution).toBe('two-moons');
    expect(metrics.count).toBe(300);
    // A 40-step model is far from the data: well above the true-vs-true floor.
    expect(metrics.energyDistance).toBeGreaterThan(metrics.energyDistanceFloor);
    expect(metrics.energyDistanceFloor).toBeGreaterThan(0);
  });

  it('benchmarks a model folder', async () => {
    const run = await diffuse(
      'bench',
      '--model',
      moons,
      '--batch-size',
      '64',
      '--iterations',
      '1',
      '--warmup',
      '0',
      '--json',
    );
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.backend).toBe('wasm');
    expect(result.forwardImagesPerSecond).toBeGreaterThan(0);
    expect(result.trainImagesPerSecond).toBeGreaterThan(0);
  });
});

describe('diffuse sample on an image model', () => {
  it('writes a grid and a denoising strip without leaking tensors', async () => {
    const out = join(directory, 'grid.png');
    const before = memory().numTensors;
    const run = await diffuse(
      'sample',
      '--model',
      unet,
      '--n',
      '6',
      '--steps',
      '4',
      '--columns',
      '3',
      '--strip',
      '--strip-frames',
      '3',
      '--out',
      out,
    );
    expect(run.status).toBe(0);
    expect(memory().numTensors).toBe(before);
    const grid = decode(await readFile(out));
    // 3 columns × 2 rows of 28-pixel images with 2-pixel padding.
    expect([grid.width, grid.height, grid.channels]).toEqual([3 * 28 + 4 * 2, 2 * 28 + 3 * 2, 1]);
    const strip = decode(await readFile(join(directory, 'grid-strip.png')));
    // 3 frames across; 4 samples × (x_t, x̂₀) rows.
    expect([strip.width, strip.height]).toEqual([3 * 28 + 4 * 2, 8 * 28 + 9 * 2]);
    expect(run.stderr).toMatch(/sample 4\/4 steps in/);
  });

  it('is reproducible: the same seed gives the same PNG, whatever the batch size', async () => {
    const a = join(directory, 'a.png');
    const b = join(directory, 'b.png');
    expect(
      (await diffuse('sample', '--model', unet, '--n', '4', '--steps', '3', '--seed', '7', '--out', a)).status,
    ).toBe(0);
    expect(
      (
        await diffuse(
          'sample',
          '--model',
          unet,
          '--n',
          '4',
          '--steps',
          '3',
          '--seed',
          '7',
          '--batch-size',
          '3',
          '--out',
          b,
        )
      ).status,
    ).toBe(0);
    expect(Buffer.compare(await readFile(a), await readFile(b))).toBe(0);
  });
});

describe('usage errors', () => {
  it('exit 2 with the flag named and no stack trace', async () => {
    const cases: [string[], string][] = [
      [['sample', '--model', join(directory, 'missing')], '`--model`: expected an existing model folder'],
      [['sample', '--model', unet, '--steps', '0'], '`--steps`: expected an integer in [1, 1000], received "0"'],
      [['sample', '--model', unet, '--sampler', 'ddpm', '--eta', '0.5'], '`--eta`'],
      [['train', '--data', 'mnist'], '`--data`: expected one of fashion-mnist, two-moons'],
      [['train', '--channels', '16,30', '--norm-groups', '8'], '`--channels`: expected channel counts divisible'],
      [['eval', '--model', unet, '--n', 'many'], '`--n`'],
      [['bench', '--iterations', '-1', '--model', unet], '`--iterations`'],
      [['smaple'], '`command`: expected one of train, sample'],
    ];
    for (const [argv, message] of cases) {
      const run = await diffuse(...argv);
      expect(run.status, argv.join(' ')).toBe(2);
      expect(run.stderr.startsWith(`error: ${message}`), run.stderr).toBe(true);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('diffuse eval on an image model', () => {
  it('reports the Fréchet distance beside the train-vs-test floor and the classifier accuracy', async () => {
    const run = await diffuse('eval', '--model', unet, '--n', '64', '--steps', '2', '--json');
    expect(run.status, run.stderr).toBe(0);
    const metrics = JSON.parse(run.stdout);
    expect(metrics.count).toBe(64);
    // Untrained U-Net samples are noise: far from the data, unlike real training images.
    expect(metrics.frechetDistance).toBeGreaterThan(3 * metrics.frechetDistanceFloor);
    expect(metrics.frechetDistanceFloor).toBeGreaterThan(0);
    expect(metrics.classifierAccuracy).toBeCloseTo(0.8954, 4);
    expect(Object.values(metrics.classHistogram as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(64);
  });
});

describe('the main job', () => {
  it('samples the image model, trains a 2-D model and writes PNGs and metrics', async () => {
    const out = join(directory, 'main-job');
    const run = await diffuse(
      '--model',
      unet,
      '--out',
      out,
      '--n',
      '4',
      '--sample-steps',
      '3',
      '--train-steps',
      '20',
      '--point-steps',
      '10',
    );
    expect(run.status, run.stderr).toBe(0);
    for (const file of ['fashion-mnist-grid.png', 'fashion-mnist-strip.png', 'two-moons-samples.png', 'metrics.json']) {
      expect(run.stdout).toContain(join(out, file));
      expect(existsSync(join(out, file))).toBe(true);
    }
    expect(run.stdout).toMatch(/energy distance: [\d.]+ vs true-vs-true floor [\d.]+/);
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.twoDimensional).toMatchObject({ distribution: 'two-moons', trainSteps: 20, count: 2000 });
    expect(metrics.fashionMnist).toMatchObject({ count: 4, steps: 3 });
  });
});
