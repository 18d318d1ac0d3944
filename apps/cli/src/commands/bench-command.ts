/**
 * `diffuse bench`: throughput of a model's config on the active backend: forward images/s (sampling
 * cost) and training-step images/s (forward, backward, Adam, EMA, with @diffuse/train's Trainer), after
 * warm-up iterations, with the live-tensor count checked for leaks.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, IoError, NoiseGenerator, StateError } from '@diffuse/core';
import { createSchedule } from '@diffuse/schedules';
import { ImageDataset, ToyDataset, Trainer } from '@diffuse/train';
import { memory, type Tensor4D } from '@tensorflow/tfjs-core';
import { activateBackend } from '../cli/backend.js';
import { modelFlag, readModelFolder } from '../cli/common-flags.js';
import { readBoolean, readInteger, readString } from '../cli/options.js';
import { packageRoot } from '../cli/paths.js';
import type { CliContext, Command } from '../cli/run-cli.js';
import { type LoadedDenoiser, loadDenoiserFolder } from '../training/denoiser-folder.js';

interface BenchOptions {
  /** The repository's benchmark suite (script and runner paths), when `--suite` is given. */
  suite: { runner: string; script: string; variant: string; out: string } | undefined;
  model: string;
  batchSize: number;
  iterations: number;
  warmup: number;
  json: boolean;
}

/** Seconds per call of `body`, after `warmup` untimed calls (median of `iterations`). */
async function timeIt(body: () => Promise<void>, iterations: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await body();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await body();
    times.push((performance.now() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function forwardSeconds(model: LoadedDenoiser, options: BenchOptions): Promise<number> {
  const [height, width, channels] = model.sampleShape;
  const { batchSize } = options;
  const input = new NoiseGenerator(0).normal({ shape: [batchSize, height, width, channels], step: 0 }) as Tensor4D;
  const timesteps = Array.from({ length: batchSize }, (_, i) => (i * 997) % 1000);
  try {
    return await timeIt(
      async () => {
        const output = model.denoiser.predict({ sample: input, timestep: timesteps });
        await output.data();
        output.dispose();
      },
      options.iterations,
      options.warmup,
    );
  } finally {
    input.dispose();
  }
}

async function trainStepSeconds(model: LoadedDenoiser, options: BenchOptions): Promise<number> {
  const [height, width, channels] = model.sampleShape;
  const dataset =
    model.kind === 'mlp'
      ? new ToyDataset({ distribution: 'two-moons', seed: 0 })
      : new ImageDataset({
          pixels: new Uint8Array(64 * height * width * channels).map((_, i) => (i * 2_654_435_761) >>> 24),
          shape: [64, height, width, channels],
          seed: 0,
        });
  // Unlabelled data: the denoiser gets no class labels. A tiny learning rate keeps the weights as they are.
  const trainer = new Trainer({
    model: model.denoiser,
    dataset,
    schedule: createSchedule(),
    batchSize: options.batchSize,
    seed: 0,
    learningRate: { learningRate: 1e-9 },
    ema: {},
  });
  try {
    return await timeIt(
      async () => {
        const result = await trainer.trainStep();
        await result.loss.data();
        result.loss.dispose();
        result.gradientNorm?.dispose();
      },
      options.iterations,
      options.warmup,
    );
  } finally {
    trainer.dispose();
  }
}

/** Locates the repository's benchmark suite (it lives in the source tree, not in the built CLI). */
function findSuite(variant: string, out: string): NonNullable<BenchOptions['suite']> {
  if (!['cpu', 'wasm-stock', 'wasm'].includes(variant)) {
    throw new ConfigError({ argument: '--suite', expected: 'one of cpu, wasm-stock, wasm', received: variant });
  }
  const repository = join(packageRoot(), '..', '..');
  const runner = join(repository, 'packages', 'backends', 'bench', 'run.mjs');
  const script = join(repository, 'packages', 'integration', 'bench', 'unet.ts');
  for (const path of [runner, script]) {
    if (!existsSync(path)) {
      throw new IoError({
        argument: '--suite',
        expected: `the repository benchmark files (a checkout of the @diffuse monorepo)`,
        received: `no ${path}`,
      });
    }
  }
  return { runner, script, variant, out };
}

/** Runs the suite in a child Node process (it needs its own backend setup), passing its output through. */
function runSuite(suite: NonNullable<BenchOptions['suite']>, context: CliContext): Promise<void> {
  context.stderr.write(`running ${suite.script} (${suite.variant}) → ${suite.out}\n`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [suite.runner, suite.script, suite.variant, suite.out], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...context.env },
    });
    child.stdout.on('data', (chunk: Buffer) => context.stdout(chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new StateError({ argument: '--suite', expected: 'the suite to exit with status 0', received: code })),
    );
  });
}

/** The `diffuse bench` command. */
export const benchCommand: Command<BenchOptions> = {
  spec: {
    name: 'bench',
    summary: 'Measure forward and training-step images/s of a model config on the active backend',
    description:
      'Times the model folder’s denoiser (default: the committed Fashion-MNIST U-Net) on random inputs: one\n' +
      'forward pass (what each sampling step costs) and one training step (forward, backward, Adam, EMA).\n' +
      'Reports the median of --iterations after --warmup untimed runs. DIFFUSE_BACKEND picks the backend.',
    flags: {
      model: modelFlag(),
      'batch-size': { type: 'string', valueName: 'N', description: 'Images per call', defaultText: '16' },
      iterations: { type: 'string', valueName: 'N', description: 'Timed runs', defaultText: '3' },
      warmup: { type: 'string', valueName: 'N', description: 'Untimed runs first', defaultText: '1' },
      json: { type: 'boolean', description: 'Print the results as one JSON object' },
      suite: {
        type: 'string',
        valueName: 'VARIANT',
        description:
          'Instead, run the repository benchmark suite (packages/integration/bench/unet.ts; variants cpu, wasm-stock, wasm; repo checkouts only)',
      },
      'suite-out': {
        type: 'string',
        valueName: 'FILE',
        description: 'JSON results of --suite',
        defaultText: './bench-unet.json',
      },
    },
    examples: ['diffuse bench', 'DIFFUSE_BACKEND=cpu diffuse bench --batch-size 8 --iterations 1'],
  },
  parse(values) {
    const variant = readString(values, 'suite');
    const model = readModelFolder(values, variant === undefined);
    return {
      suite:
        variant === undefined
          ? undefined
          : findSuite(variant, resolve(readString(values, 'suite-out', './bench-unet.json'))),
      model,
      batchSize: readInteger(values, 'batch-size', 16, { min: 1, max: 4096 }),
      iterations: readInteger(values, 'iterations', 3, { min: 1, max: 1000 }),
      warmup: readInteger(values, 'warmup', 1, { min: 0, max: 100 }),
      json: readBoolean(values, 'json'),
    };
  },
  async run(options, context) {
    if (options.suite) {
      await runSuite(options.suite, context);
      return;
    }
    const choice = await activateBackend(context);
    const model = await loadDenoiserFolder(options.model);
    try {
      const before = memory().numTensors;
      const forward = await forwardSeconds(model, options);
      const train = await trainStepSeconds(model, options);
      const leaked = memory().numTensors - before;
      if (leaked !== 0) {
        throw new StateError({
          argument: 'bench',
          expected: 'no leaked tensors',
          received: `${leaked} more live tensors`,
        });
      }
      const result = {
        backend: choice.backend,
        details: choice.details,
        model: options.model,
        batchSize: options.batchSize,
        forwardImagesPerSecond: options.batchSize / forward,
        trainImagesPerSecond: options.batchSize / train,
        forwardSeconds: forward,
        trainStepSeconds: train,
      };
      context.stdout(
        options.json
          ? `${JSON.stringify(result)}\n`
          : `${choice.backend}, batch ${options.batchSize}: forward ${result.forwardImagesPerSecond.toFixed(1)} images/s ` +
              `(${(forward * 1000).toFixed(0)} ms), training step ${result.trainImagesPerSecond.toFixed(1)} images/s ` +
              `(${(train * 1000).toFixed(0)} ms)\n`,
      );
    } finally {
      model.denoiser.dispose();
    }
  },
};
