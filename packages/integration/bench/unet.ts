/**
 * One benchmark process: the U-Nets' forward pass and training step, and the sampling loop's overhead,
 * on one backend variant. `bench/run-all.mjs` runs one process per variant (the wasm thread count is
 * fixed when the backend starts) and writes docs/benchmarks.{json,md}.
 *
 *   node packages/backends/bench/run.mjs packages/integration/bench/unet.ts <variant> <out.json>
 *
 * Variants: `cpu`, `wasm-stock` (tfjs-backend-wasm's own kernels, 1 thread), `wasm` (with @diffuse's
 * kernels; threads from DIFFUSE_WASM_THREADS, default one per core), `webgpu` (where a GPU exists).
 */
import { writeFileSync } from 'node:fs';
import { initBackend } from '@diffuse/backends';
import { type Denoiser, NoiseGenerator } from '@diffuse/core';
import { UNet2DModel } from '@diffuse/models';
import { DDIMSampler, sample } from '@diffuse/samplers';
import { AdamOptimizer } from '@diffuse/train';
import * as tf from '@tensorflow/tfjs-core';
import { formatKernelTimes, profileKernels } from '../../backends/bench/kernel-profile.js';
import { measure, type Timing } from '../../backends/bench/timing.js';
import { restoreStockWasmKernels } from '../../backends/src/wasm/register.js';
import { type BenchModel, countFlops, DDPM_CIFAR10, FASHION_MNIST_UNET } from './unet-configs.js';

const variant = process.argv[2] as 'cpu' | 'wasm-stock' | 'wasm' | 'webgpu';
const outPath = process.argv[3];
if (!['cpu', 'wasm-stock', 'wasm', 'webgpu'].includes(variant) || !outPath) {
  throw new Error('usage: unet.ts <cpu|wasm-stock|wasm|webgpu> <out.json>');
}
const choice = await initBackend({ prefer: variant === 'wasm-stock' ? 'wasm' : variant, env: {} });
if (variant === 'wasm-stock') restoreStockWasmKernels();
if (variant === 'webgpu' && /swiftshader|llvmpipe|lavapipe/i.test(choice.details)) {
  throw new Error(`webgpu benchmark needs a GPU; got a software adapter (${choice.details})`);
}
const slow = variant === 'cpu';

interface Measured {
  batch: number;
  timing?: Timing;
  imagesPerSecond?: number;
  gflopsWall?: number;
  gflopsCpu?: number;
  flopsPerImage?: number;
  tensorGrowthPerStep?: number;
  error?: string;
  kernelCpuMs?: string[];
}

function rates(measured: Measured, flopsPerImage: number): Measured {
  const { timing, batch } = measured;
  if (!timing) return measured;
  return {
    ...measured,
    flopsPerImage,
    imagesPerSecond: (batch * 1000) / timing.wallMs,
    gflopsWall: (flopsPerImage * batch) / timing.wallMs / 1e6,
    gflopsCpu: (flopsPerImage * batch) / timing.cpuMs / 1e6,
  };
}

function inputs(model: BenchModel, batch: number, seed: number) {
  const generator = new NoiseGenerator(seed);
  const shape = [batch, ...model.image];
  return {
    sample: generator.normal({ shape, step: 0, stream: 'x' }) as tf.Tensor4D,
    noise: generator.normal({ shape, step: 0, stream: 'noise' }) as tf.Tensor4D,
    timestep: Array.from({ length: batch }, (_, i) => (i * 137) % 1000),
  };
}

/** Progress on stderr (the results go to stdout and the JSON file). */
function progress(message: string): void {
  process.stderr.write(`[${variant}] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

async function benchModel(model: BenchModel) {
  progress(`${model.name}: counting FLOPs`);
  const unet = new UNet2DModel(model.config, { seed: 0 });
  const result: Record<string, unknown> = { name: model.name, description: model.description };
  result.parameters = unet.numParameters;

  // FLOPs per image, counted once at batch 1 from the kernels the backend actually runs.
  const one = inputs(model, 1, 1);
  const forwardFlops = await countFlops(() => unet.predict({ sample: one.sample, timestep: one.timestep }));
  const lossOf = (batch: ReturnType<typeof inputs>) => () =>
    tf.losses.meanSquaredError(
      batch.noise,
      unet.predict({ sample: batch.sample, timestep: batch.timestep }),
    ) as tf.Scalar;
  let trainFlops = 0;
  if (model.train && variant !== 'wasm-stock') {
    trainFlops = await countFlops(() => {
      const { value, grads } = tf.variableGrads(lossOf(one), unet.trainableVariables);
      return [value, ...Object.values(grads)];
    });
  }
  tf.dispose([one.sample, one.noise]);

  progress(`${model.name}: forward`);
  // Forward pass.
  const forwardBatch = slow ? 1 : model.train ? 16 : 4;
  const forwardInputs = inputs(model, forwardBatch, 2);
  const forwardTiming = await measure(
    () => unet.predict({ sample: forwardInputs.sample, timestep: forwardInputs.timestep }),
    slow ? { warmups: 0, runs: 1 } : { warmups: 1, runs: 5, budgetMs: 60_000 },
  );
  result.forward = rates({ batch: forwardBatch, timing: forwardTiming }, forwardFlops);

  // Training step: loss, gradients of every parameter, Adam update.
  if (model.train) {
    progress(`${model.name}: training step`);
    const trainBatch = slow ? 2 : 16;
    const batch = inputs(model, trainBatch, 3);
    const variables = unet.parameters();
    const optimizer = new AdamOptimizer({ variables: Object.fromEntries(variables) });
    const step = () => {
      const gradients = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossOf(batch), unet.trainableVariables);
        value.dispose();
        return grads;
      });
      const named = Object.fromEntries([...variables].map(([name, variable]) => [name, gradients[variable.name]!]));
      optimizer.applyGradients({ gradients: named, learningRate: 1e-4 });
      tf.dispose(Object.values(gradients));
      // A value computed after the update: reading it waits for asynchronous backends (WebGPU).
      return tf.tidy(() => tf.sum(unet.trainableVariables.at(-1) as tf.Variable));
    };
    try {
      step().dispose();
      const before = tf.memory().numTensors;
      const timing = await measure(step, slow ? { warmups: 0, runs: 1 } : { warmups: 1, runs: 5, budgetMs: 90_000 });
      const growth = (tf.memory().numTensors - before) / timing.runs;
      const measured: Measured = { batch: trainBatch, timing, tensorGrowthPerStep: growth };
      if (variant === 'wasm') {
        const times = await profileKernels('wasm', () => step().dispose());
        measured.kernelCpuMs = formatKernelTimes(times, 10);
      }
      result.train = rates(measured, trainFlops);
    } catch (error) {
      result.train = { batch: trainBatch, error: (error as Error).message };
    }
    optimizer.dispose();
    tf.dispose([batch.sample, batch.noise]);
  }
  tf.dispose([forwardInputs.sample, forwardInputs.noise]);

  // Sampling: DDIM steps with a trivial denoiser (sampler + schedule overhead) and with the U-Net.
  if (model.train && !slow) {
    progress(`${model.name}: sampling`);
    const shape = [forwardBatch, ...model.image] as [number, number, number, number];
    const trivial: Denoiser = { predict: ({ sample: x }) => tf.mul(x, 0.1) };
    const loop = async (denoiser: Denoiser, steps: number) => {
      const counts: number[] = [];
      const start = performance.now();
      const images = await sample({
        denoiser,
        sampler: new DDIMSampler({}),
        shape,
        numInferenceSteps: steps,
        generator: new NoiseGenerator(4),
        onStep: () => {
          counts.push(tf.memory().numTensors);
        },
      });
      const perStepMs = (performance.now() - start) / steps;
      images.dispose();
      const growth = counts.length > 1 ? ((counts.at(-1) ?? 0) - (counts[0] ?? 0)) / (counts.length - 1) : 0;
      return { perStepMs, tensorGrowthPerStep: growth };
    };
    await loop(trivial, 5);
    const overhead = await loop(trivial, 50);
    const withUnet = await loop(unet, 10);
    result.sampling = {
      batch: forwardBatch,
      sampler: 'DDIMSampler',
      trivialDenoiserMsPerStep: overhead.perStepMs,
      unetMsPerStep: withUnet.perStepMs,
      overheadFraction: overhead.perStepMs / withUnet.perStepMs,
      tensorGrowthPerStep: { trivial: overhead.tensorGrowthPerStep, unet: withUnet.tensorGrowthPerStep },
    };
  }
  unet.dispose();
  return result;
}

const results = [];
for (const model of [FASHION_MNIST_UNET, DDPM_CIFAR10]) {
  results.push(await benchModel(model));
  console.log(JSON.stringify(results.at(-1)));
}
const threads = Number(/threads (\d+)/.exec(choice.details)?.[1] ?? 1);
writeFileSync(
  outPath,
  JSON.stringify({ variant, backend: choice.backend, details: choice.details, threads, models: results }, null, 2),
);
