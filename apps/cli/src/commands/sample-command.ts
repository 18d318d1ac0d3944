/**
 * `diffuse sample`: draws samples from a model folder with DDIM or DDPM and writes a PNG grid (images)
 * or a scatter plot over the true distribution (2-D models), plus, with `--strip`, the denoising strip.
 */
import { resolve } from 'node:path';
import { sampleToyPoints, TOY_DISTRIBUTIONS, type ToyDistribution } from '@diffuse/train';
import { activateBackend } from '../cli/backend.js';
import { modelFlag, readModelFolder, readSamplerAndEta, readSeed, SAMPLER_FLAG } from '../cli/common-flags.js';
import { readBoolean, readInteger, readOptionalInteger, readString } from '../cli/options.js';
import type { Command } from '../cli/run-cli.js';
import { renderDenoisingStrip, tileImages, upscale } from '../render/image-grid.js';
import { renderScatterPlot } from '../render/scatter-plot.js';
import { writePng } from '../render/write-png.js';
import { type GenerateOptions, generateSamples } from '../sampling/generate-samples.js';
import { loadDenoiserFolder, readTrainingRecord } from '../training/denoiser-folder.js';

interface SampleOptions extends Pick<GenerateOptions, 'sampler' | 'steps' | 'eta' | 'seed' | 'batchSize'> {
  model: string;
  count: number;
  out: string;
  strip: boolean;
  stripFrames: number;
  columns: number | undefined;
  scale: number;
}

/** `grid.png` → `grid-strip.png`. */
export function stripPath(out: string): string {
  return out.toLowerCase().endsWith('.png') ? `${out.slice(0, -4)}-strip.png` : `${out}-strip.png`;
}

/** The true distribution a 2-D model was trained on, from its training.json. */
export async function trainedDistribution(modelDirectory: string): Promise<ToyDistribution | undefined> {
  const data = (await readTrainingRecord(modelDirectory))?.data;
  return (TOY_DISTRIBUTIONS as readonly unknown[]).includes(data) ? (data as ToyDistribution) : undefined;
}

/** The `diffuse sample` command. */
export const sampleCommand: Command<SampleOptions> = {
  spec: {
    name: 'sample',
    summary: 'Sample a PNG grid (and a denoising strip) from a model folder',
    description:
      'Loads a diffusers model folder (a UNet2DModel, or an MlpDenoiser trained on 2-D data) and runs DDIM\n' +
      'or DDPM from seeded noise: image i depends only on --seed and i. Images go into a PNG grid; 2-D models\n' +
      'give a scatter plot of the samples (orange) over the true distribution (grey).',
    flags: {
      model: modelFlag(),
      sampler: SAMPLER_FLAG,
      steps: { type: 'string', valueName: 'N', description: 'Inference steps', defaultText: '50' },
      eta: {
        type: 'string',
        valueName: 'η',
        description: 'DDIM noise (0 deterministic, 1 DDPM-like)',
        defaultText: '0',
      },
      n: { type: 'string', valueName: 'N', description: 'Number of samples', defaultText: '64, 2000 for 2-D' },
      seed: { type: 'string', valueName: 'N', description: 'Seed of the noise', defaultText: '1' },
      out: { type: 'string', valueName: 'FILE', description: 'Output PNG', short: 'o', defaultText: './samples.png' },
      strip: {
        type: 'boolean',
        description: 'Also write <out>-strip.png: x_t (top) and predicted x₀ (bottom) over the steps',
      },
      'strip-frames': { type: 'string', valueName: 'N', description: 'Columns of the strip', defaultText: '10' },
      columns: { type: 'string', valueName: 'N', description: 'Columns of the grid', defaultText: '√n' },
      scale: {
        type: 'string',
        valueName: 'N',
        description: 'Enlarge the grid and strip N times (nearest neighbour)',
        defaultText: '1',
      },
      'batch-size': { type: 'string', valueName: 'N', description: 'Samples per model call', defaultText: '64' },
    },
    examples: [
      'diffuse sample --sampler ddim --steps 50 --eta 0 --n 64 --seed 1 --out grid.png --strip',
      'diffuse sample --model ./moons --n 2000 --out moons.png',
    ],
  },
  parse(values) {
    const model = readModelFolder(values);
    const { sampler, eta } = readSamplerAndEta(values);
    return {
      model,
      sampler,
      steps: readInteger(values, 'steps', 50, { min: 1, max: 1000 }),
      eta,
      count: readInteger(values, 'n', -1, { min: 1, max: 100_000 }),
      seed: readSeed(values, 1),
      out: resolve(readString(values, 'out', './samples.png')),
      strip: readBoolean(values, 'strip'),
      stripFrames: readInteger(values, 'strip-frames', 10, { min: 2, max: 100 }),
      columns: readOptionalInteger(values, 'columns', { min: 1, max: 1000 }),
      scale: readInteger(values, 'scale', 1, { min: 1, max: 16 }),
      batchSize: readInteger(values, 'batch-size', 64, { min: 1, max: 100_000 }),
    };
  },
  async run(options, context) {
    const choice = await activateBackend(context);
    const model = await loadDenoiserFolder(options.model);
    try {
      const pointCloud = model.kind === 'mlp';
      const count = options.count > 0 ? options.count : pointCloud ? 2000 : 64;
      const result = await generateSamples({
        model,
        sampler: options.sampler,
        steps: options.steps,
        eta: options.eta,
        count,
        seed: options.seed,
        batchSize: pointCloud ? Math.max(options.batchSize, count) : options.batchSize,
        progress: context.stderr,
        ...(options.strip && !pointCloud ? { strip: { samples: 4, frames: options.stripFrames } } : {}),
      });
      const written: string[] = [];
      if (pointCloud) {
        const distribution = await trainedDistribution(options.model);
        const truth = distribution ? sampleToyPoints({ distribution, count, seed: 12_345 }) : undefined;
        const image = renderScatterPlot({
          layers: [
            ...(truth ? [{ points: truth, color: [150, 150, 150] as const, radius: 1.5, opacity: 0.5 }] : []),
            { points: result.data, color: [230, 90, 20] as const, radius: 1.5, opacity: 0.6 },
          ],
        });
        await writePng(options.out, { ...image, channels: 3 });
      } else {
        const [, height, width, channels] = result.shape;
        const grid = tileImages({
          batch: { data: result.data, count, height, width, channels },
          ...(options.columns === undefined ? {} : { columns: options.columns }),
        });
        await writePng(options.out, upscale(grid, options.scale));
      }
      written.push(options.out);
      if (result.strip && result.strip.length > 0) {
        const [, height, width, channels] = result.shape;
        const strip = renderDenoisingStrip({
          frames: result.strip,
          samples: Math.min(4, count),
          height,
          width,
          channels,
        });
        await writePng(stripPath(options.out), upscale(strip, options.scale));
        written.push(stripPath(options.out));
      }
      context.stdout(
        `${count} samples, ${options.sampler} ${options.steps} steps${options.sampler === 'ddim' ? ` η=${options.eta}` : ''}, seed ${options.seed}: ` +
          `${result.seconds.toFixed(1)} s on ${choice.backend} (${result.imagesPerSecond.toFixed(1)} model evaluations/s)\n` +
          written.map((path) => `wrote ${path}\n`).join(''),
      );
    } finally {
      model.denoiser.dispose();
    }
  },
};
