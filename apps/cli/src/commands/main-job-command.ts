/**
 * The main job (`diffuse` with no command): on a fresh clone, (1) samples a Fashion-MNIST grid and a
 * denoising strip from the committed U-Net with DDIM, and (2) trains a 2-D model from scratch and plots
 * its samples over the true distribution, with energy distance and MMD beside their true-vs-true floors.
 * Writes PNGs and metrics.json into --out and prints the paths.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sampleToyPoints, TOY_DISTRIBUTIONS, type ToyDistribution } from '@diffuse/train';
import { activateBackend } from '../cli/backend.js';
import { modelFlag, readModelFolder, readSeed } from '../cli/common-flags.js';
import { readChoice, readInteger, readString } from '../cli/options.js';
import { formatDuration } from '../cli/progress.js';
import type { CliContext, Command } from '../cli/run-cli.js';
import { formatPointMetrics, pointMetrics } from '../evaluation/point-metrics.js';
import { renderDenoisingStrip, tileImages } from '../render/image-grid.js';
import { renderScatterPlot } from '../render/scatter-plot.js';
import { writePng } from '../render/write-png.js';
import { generateSamples } from '../sampling/generate-samples.js';
import { loadDenoiserFolder } from '../training/denoiser-folder.js';
import { trainModel } from '../training/train-model.js';
import { readTrainSettings } from './train-command.js';

interface MainJobOptions {
  out: string;
  model: string;
  data: ToyDistribution;
  trainSteps: number;
  count: number;
  sampleSteps: number;
  pointSteps: number;
  seed: number;
}

/** The default command: what `pnpm demo` runs. */
export const mainJobCommand: Command<MainJobOptions> = {
  spec: {
    name: '(none)',
    summary: 'The main job: sample the committed Fashion-MNIST model and train a 2-D model from scratch',
    description:
      'Runs when `diffuse` is given no command. Part 1 samples a grid and a denoising strip from the committed\n' +
      'Fashion-MNIST U-Net with DDIM. Part 2 trains an MLP denoiser on a 2-D distribution, samples it, plots the\n' +
      'samples (orange) over the true distribution (grey) and prints energy distance and MMD beside the\n' +
      'true-vs-true floor. Everything goes into --out (PNGs, metrics.json, the 2-D model folder).',
    flags: {
      out: { type: 'string', valueName: 'DIR', description: 'Output folder', defaultText: './diffuse-out' },
      model: modelFlag('Image model folder'),
      data: {
        type: 'string',
        valueName: 'NAME',
        description: `2-D distribution: ${TOY_DISTRIBUTIONS.join(', ')}`,
        defaultText: 'two-moons',
      },
      'train-steps': {
        type: 'string',
        valueName: 'N',
        description: 'Training steps of the 2-D model',
        defaultText: '3000',
      },
      n: { type: 'string', valueName: 'N', description: 'Images in the Fashion-MNIST grid', defaultText: '36' },
      'sample-steps': { type: 'string', valueName: 'N', description: 'DDIM steps for the grid', defaultText: '25' },
      'point-steps': {
        type: 'string',
        valueName: 'N',
        description: 'DDPM steps for the 2-D samples',
        defaultText: '1000',
      },
      seed: { type: 'string', valueName: 'N', description: 'Seed of the noise and of the 2-D run', defaultText: '1' },
    },
    examples: ['diffuse', 'diffuse --out ./demo --data eight-gaussians'],
  },
  parse(values) {
    const model = readModelFolder(values);
    return {
      out: resolve(readString(values, 'out', './diffuse-out')),
      model,
      data: readChoice(values, 'data', TOY_DISTRIBUTIONS, 'two-moons'),
      trainSteps: readInteger(values, 'train-steps', 1500, { min: 1, max: 1_000_000 }),
      count: readInteger(values, 'n', 36, { min: 1, max: 1024 }),
      sampleSteps: readInteger(values, 'sample-steps', 25, { min: 1, max: 1000 }),
      pointSteps: readInteger(values, 'point-steps', 1000, { min: 1, max: 1000 }),
      seed: readSeed(values, 1),
    };
  },
  async run(options, context) {
    const started = performance.now();
    const choice = await activateBackend(context);
    const images = await sampleGrid(options, context);
    const points = await trainPoints(options, context, choice.backend);
    const seconds = (performance.now() - started) / 1000;
    await writeFile(
      join(options.out, 'metrics.json'),
      `${JSON.stringify({ backend: choice.backend, seconds, fashionMnist: images, twoDimensional: points }, null, 2)}\n`,
    );
    context.stdout(
      `\nwrote ${join(options.out, 'metrics.json')}\nmain job: ${formatDuration(seconds)} on ${choice.backend}\n`,
    );
  },
};

async function sampleGrid(options: MainJobOptions, context: CliContext) {
  context.stdout(
    `[1/2] Fashion-MNIST: ${options.count} samples from ${options.model} (DDIM, ${options.sampleSteps} steps, η=0)\n`,
  );
  const model = await loadDenoiserFolder(options.model);
  try {
    const result = await generateSamples({
      model,
      sampler: 'ddim',
      steps: options.sampleSteps,
      eta: 0,
      count: options.count,
      seed: options.seed,
      batchSize: options.count,
      progress: context.stderr,
      strip: { samples: 4, frames: Math.min(10, options.sampleSteps) },
    });
    const [, height, width, channels] = result.shape;
    const gridPath = join(options.out, 'fashion-mnist-grid.png');
    const stripPath = join(options.out, 'fashion-mnist-strip.png');
    await writePng(
      gridPath,
      tileImages({ batch: { data: result.data, count: options.count, height, width, channels } }),
    );
    await writePng(
      stripPath,
      renderDenoisingStrip({
        frames: result.strip ?? [],
        samples: Math.min(4, options.count),
        height,
        width,
        channels,
      }),
    );
    context.stdout(
      `      ${result.seconds.toFixed(1)} s (${result.imagesPerSecond.toFixed(1)} model evaluations/s)\n` +
        `      wrote ${gridPath}\n      wrote ${stripPath} (x_t above predicted x₀, noise → image)\n`,
    );
    return {
      count: options.count,
      steps: options.sampleSteps,
      seconds: result.seconds,
      grid: gridPath,
      strip: stripPath,
    };
  } finally {
    model.denoiser.dispose();
  }
}

async function trainPoints(options: MainJobOptions, context: CliContext, backend: string) {
  const modelDirectory = join(options.out, `${options.data}-model`);
  context.stdout(`[2/2] ${options.data}: training an MLP denoiser from scratch (${options.trainSteps} steps)\n`);
  const settings = readTrainSettings(
    { data: options.data, steps: String(options.trainSteps), seed: String(options.seed), out: modelDirectory },
    `diffuse train --data ${options.data} --steps ${options.trainSteps} --seed ${options.seed} --out ${modelDirectory}`,
  );
  const summary = await trainModel({ ...settings, backend }, context.stderr);
  context.stdout(
    `      ${formatDuration(summary.seconds)}, loss ${summary.firstLoss.toFixed(3)} → ${summary.finalLoss.toFixed(3)}\n`,
  );
  const model = await loadDenoiserFolder(modelDirectory);
  try {
    const count = 2000;
    const result = await generateSamples({
      model,
      sampler: 'ddpm',
      steps: 1000,
      eta: 0,
      count,
      seed: options.seed,
      batchSize: count,
    });
    const metrics = pointMetrics({ samples: result.data, distribution: options.data });
    const truth = sampleToyPoints({ distribution: options.data, count, seed: 12_345 });
    const plotPath = join(options.out, `${options.data}-samples.png`);
    const image = renderScatterPlot({
      layers: [
        { points: truth, color: [150, 150, 150], radius: 1.5, opacity: 0.5 },
        { points: result.data, color: [230, 90, 20], radius: 1.5, opacity: 0.6 },
      ],
    });
    await writePng(plotPath, { ...image, channels: 3 });
    context.stdout(
      `      sampled ${count} points (DDPM, ${options.pointSteps} steps) in ${result.seconds.toFixed(1)} s\n` +
        `${formatPointMetrics(metrics)
          .split('\n')
          .map((line) => `      ${line}`)
          .join('\n')}\n` +
        `      wrote ${plotPath} (samples orange, true distribution grey)\n      model: ${modelDirectory}\n`,
    );
    return {
      distribution: options.data,
      trainSteps: options.trainSteps,
      trainSeconds: summary.seconds,
      plot: plotPath,
      ...metrics,
    };
  } finally {
    model.denoiser.dispose();
  }
}
