/**
 * `diffuse eval`: sample quality in numbers. Image models: Fréchet distance in the feature space of the
 * committed Fashion-MNIST classifier, generated-vs-test beside train-vs-test (the floor), the classifier's
 * test accuracy and the classes it sees in the samples. 2-D models: energy distance and MMD against the
 * true distribution beside their true-vs-true floors.
 */
import { resolve } from 'node:path';
import { ConfigError } from '@diffuse/core';
import { FASHION_MNIST_CLASSES } from '@diffuse/train/node';
import { loadClassifier } from '../classifier/classifier-files.js';
import { classifierAccuracy, shuffledIndices } from '../classifier/train-classifier.js';
import { activateBackend } from '../cli/backend.js';
import {
  dataDirFlag,
  modelFlag,
  readDataDir,
  readModelFolder,
  readSamplerAndEta,
  readSeed,
  SAMPLER_FLAG,
} from '../cli/common-flags.js';
import { readBoolean, readInteger, readString } from '../cli/options.js';
import { pretrainedClassifierDirectory } from '../cli/paths.js';
import type { CliContext, Command } from '../cli/run-cli.js';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { classHistogram, classifierFeatures, featureFrechetDistance, subset } from '../evaluation/image-metrics.js';
import { formatPointMetrics, pointMetrics } from '../evaluation/point-metrics.js';
import { type GenerateOptions, generateSamples } from '../sampling/generate-samples.js';
import { type LoadedDenoiser, loadDenoiserFolder } from '../training/denoiser-folder.js';
import { trainedDistribution } from './sample-command.js';

interface EvalOptions extends Pick<GenerateOptions, 'sampler' | 'steps' | 'eta' | 'seed' | 'batchSize'> {
  model: string;
  classifier: string;
  count: number;
  dataDir: string;
  json: boolean;
}

/** The `diffuse eval` command. */
export const evalCommand: Command<EvalOptions> = {
  spec: {
    name: 'eval',
    summary: 'Measure sample quality: Fréchet distance vs the train-vs-test floor (images), energy distance/MMD (2-D)',
    description:
      'Images: draws --n samples, embeds them, --n training images and the 10 000 test images with the committed\n' +
      'Fashion-MNIST classifier (128 features), and reports the Fréchet distance generated-vs-test beside\n' +
      'train-vs-test (the floor: what a perfect model would score at this --n), the classifier’s test accuracy,\n' +
      'and the classes the classifier assigns to the samples. 2-D models: energy distance and MMD between the\n' +
      'samples and the true distribution, beside the same statistic between two true draws.',
    flags: {
      model: modelFlag(),
      classifier: {
        type: 'string',
        valueName: 'DIR',
        description: 'Feature classifier folder',
        defaultText: 'the committed one',
      },
      n: {
        type: 'string',
        valueName: 'N',
        description: 'Generated samples (and training images for the floor)',
        defaultText: '1000, 2000 for 2-D',
      },
      sampler: SAMPLER_FLAG,
      steps: { type: 'string', valueName: 'N', description: 'Inference steps', defaultText: '25' },
      eta: { type: 'string', valueName: 'η', description: 'DDIM noise', defaultText: '0' },
      seed: {
        type: 'string',
        valueName: 'N',
        description: 'Seed of the samples and of the training subset',
        defaultText: '1',
      },
      'batch-size': { type: 'string', valueName: 'N', description: 'Samples per model call', defaultText: '100' },
      'data-dir': dataDirFlag(),
      json: { type: 'boolean', description: 'Print the metrics as one JSON object' },
    },
    examples: ['diffuse eval --n 500 --steps 25', 'diffuse eval --model ./moons --n 2000'],
  },
  parse(values) {
    const model = readModelFolder(values);
    const { sampler, eta } = readSamplerAndEta(values);
    return {
      model,
      classifier: resolve(readString(values, 'classifier', pretrainedClassifierDirectory())),
      sampler,
      steps: readInteger(values, 'steps', 25, { min: 1, max: 1000 }),
      eta,
      count: readInteger(values, 'n', -1, { min: 16, max: 60_000 }),
      seed: readSeed(values, 1),
      batchSize: readInteger(values, 'batch-size', 100, { min: 1, max: 100_000 }),
      dataDir: readDataDir(values),
      json: readBoolean(values, 'json'),
    };
  },
  async run(options, context) {
    const choice = await activateBackend(context);
    const model = await loadDenoiserFolder(options.model);
    try {
      const metrics =
        model.kind === 'mlp'
          ? await evaluatePoints(options, model, context)
          : await evaluateImages(options, model, context);
      const record = {
        model: options.model,
        backend: choice.backend,
        sampler: options.sampler,
        steps: options.steps,
        eta: options.eta,
        ...metrics,
      };
      if (options.json) context.stdout(`${JSON.stringify(record)}\n`);
    } finally {
      model.denoiser.dispose();
    }
  },
};

/** `count` samples from `model` with the command's sampler settings, `batchSize` per model call. */
function drawSamples(
  options: EvalOptions,
  model: LoadedDenoiser,
  context: CliContext,
  size: { count: number; batchSize: number },
) {
  const { sampler, steps, eta, seed } = options;
  return generateSamples({ model, sampler, steps, eta, seed, ...size, progress: context.stderr });
}

async function evaluatePoints(options: EvalOptions, model: LoadedDenoiser, context: CliContext) {
  const distribution = await trainedDistribution(options.model);
  if (distribution === undefined) {
    throw new ConfigError({
      argument: '--model',
      expected: 'a 2-D model whose training.json names its distribution (written by `diffuse train`)',
      received: options.model,
    });
  }
  const count = options.count > 0 ? options.count : 2000;
  const generated = await drawSamples(options, model, context, { count, batchSize: count });
  const metrics = pointMetrics({ samples: generated.data, distribution });
  if (!options.json) context.stdout(`${distribution}, ${count} samples:\n${formatPointMetrics(metrics)}\n`);
  return { distribution, ...metrics };
}

async function evaluateImages(options: EvalOptions, model: LoadedDenoiser, context: CliContext) {
  const { classifier, record } = await loadClassifier(options.classifier);
  try {
    const count = options.count > 0 ? options.count : 500;
    const [trainSet, testSet] = await Promise.all([
      loadFashionMnist({ split: 'train', directory: options.dataDir }),
      loadFashionMnist({ split: 'test', directory: options.dataDir }),
    ]);
    const generated = await drawSamples(options, model, context, { count, batchSize: options.batchSize });
    const imageSize = trainSet.height * trainSet.width;
    const trainSubset = subset(trainSet.images, imageSize, shuffledIndices(trainSet.count, options.seed), count);
    const featureDim = classifier.config.featureDim;
    const testFeatures = await classifierFeatures(classifier, { data: testSet.images, count: testSet.count });
    const generatedFeatures = await classifierFeatures(classifier, { data: generated.data, count });
    const trainFeatures = await classifierFeatures(classifier, { data: trainSubset, count });
    const frechet = featureFrechetDistance(generatedFeatures, testFeatures, featureDim);
    const floor = featureFrechetDistance(trainFeatures, testFeatures, featureDim);
    const accuracy = await classifierAccuracy(classifier, testSet);
    const histogram = await classHistogram(classifier, { data: generated.data, count });
    if (!options.json) {
      context.stdout(
        [
          `Fréchet distance in classifier-feature space, against the ${testSet.count} test images:`,
          `  ${count} generated images: ${frechet.toFixed(2)}`,
          `  ${count} training images:  ${floor.toFixed(2)} (the floor)`,
          `classifier test accuracy: ${(100 * accuracy).toFixed(2)} % (recorded at training: ${(100 * record.testAccuracy).toFixed(2)} %)`,
          `classes of the samples: ${histogram.map((n, label) => `${FASHION_MNIST_CLASSES[label]} ${n}`).join(', ')}`,
          `sampling: ${generated.seconds.toFixed(1)} s (${options.sampler}, ${options.steps} steps)`,
          '',
        ].join('\n'),
      );
    }
    return {
      count,
      frechetDistance: frechet,
      frechetDistanceFloor: floor,
      classifierAccuracy: accuracy,
      classHistogram: Object.fromEntries(histogram.map((n, label) => [FASHION_MNIST_CLASSES[label], n])),
      samplingSeconds: generated.seconds,
    };
  } finally {
    classifier.dispose();
  }
}
