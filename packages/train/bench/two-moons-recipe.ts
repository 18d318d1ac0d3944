/**
 * The README's 2-D recipe, end to end: train the MLP on a toy distribution, sample with DDPM using the
 * EMA weights, and compare the energy distance to fresh true points with the true-vs-true floor.
 * Exits with status 1 when the ratio exceeds 3.
 *
 * Usage (from the repository root):
 *   node packages/backends/bench/run.mjs packages/train/bench/two-moons-recipe.ts [distribution] [sampling steps]
 */
import { initBackend } from '@diffuse/backends';
import { NoiseGenerator } from '@diffuse/core';
import { MlpDenoiser } from '@diffuse/models';
import { DDPMSampler, sample } from '@diffuse/samplers';
import { createSchedule } from '@diffuse/schedules';
import {
  energyDistance,
  runTraining,
  sampleToyPoints,
  ToyDataset,
  type ToyDistribution,
  Trainer,
} from '../src/index.js';

// Arguments follow this script's path (or start at argv[2] when the runner removed it).
const scriptIndex = process.argv.findIndex((argument) => argument.endsWith('two-moons-recipe.ts'));
const [distributionArgument, stepsArgument] = process.argv.slice(scriptIndex >= 0 ? scriptIndex + 1 : 2);
const distribution = (distributionArgument ?? 'two-moons') as ToyDistribution;
const samplingSteps = Number(stepsArgument ?? 1000);
const steps = 1500;
const count = 2000;

const choice = await initBackend({ prefer: ['wasm', 'cpu'] });
const schedule = createSchedule({ numTrainTimesteps: 1000 });
const model = new MlpDenoiser({ config: { hiddenSize: 128, numLayers: 3, timeEmbeddingDimension: 32 }, seed: 0 });
const trainer = new Trainer({
  model,
  dataset: new ToyDataset({ distribution, seed: 0 }),
  schedule,
  batchSize: 256,
  seed: 1,
  learningRate: { learningRate: 1e-2, warmupSteps: 100, decay: 'cosine', totalSteps: steps },
  maxGradNorm: 1,
  ema: { maxDecay: 0.995 },
});
const trainStart = performance.now();
await runTraining({
  trainer,
  untilStep: steps,
  metricsEvery: 250,
  onMetrics: (m) => console.log(`step ${m.step}  loss ${m.loss.toFixed(4)}  ${m.stepsPerSecond.toFixed(1)} steps/s`),
});
const trainSeconds = (performance.now() - trainStart) / 1000;
trainer.ema!.copyTo(model.namedVariables);

const sampleStart = performance.now();
const sampler = new DDPMSampler({ numTrainTimesteps: 1000, clipSample: false });
const samples = await sample({
  denoiser: model,
  sampler,
  shape: [count, 1, 1, 2],
  generator: new NoiseGenerator(5),
  numInferenceSteps: samplingSteps,
});
const sampleSeconds = (performance.now() - sampleStart) / 1000;

const points = (seed: number) => ({ data: sampleToyPoints({ distribution, count, seed }), dimension: 2 });
const reference = points(100);
const floors = [200, 201, 202].map((seed) => energyDistance(points(seed), reference));
const floor = floors.reduce((a, b) => a + b, 0) / floors.length;
const distance = energyDistance({ data: await samples.data(), dimension: 2 }, reference);
const result = {
  backend: choice.backend,
  distribution,
  samplingSteps,
  energyDistance: distance,
  floor,
  ratio: distance / floor,
  trainSeconds,
  sampleSeconds,
};
console.log(JSON.stringify(result));
samples.dispose();
model.dispose();
trainer.dispose();
if (result.ratio > 3) process.exitCode = 1;
