/**
 * `diffuse train-classifier`: trains the Fashion-MNIST feature classifier that `diffuse eval` uses for
 * its Fréchet distance, reports its test accuracy and saves it. Run once by the maintainers; the result
 * is committed under `apps/cli/pretrained/fashion-mnist-classifier/`.
 */
import { resolve } from 'node:path';
import { saveClassifier } from '../classifier/classifier-files.js';
import { classifierAccuracy, trainClassifier } from '../classifier/train-classifier.js';
import { activateBackend } from '../cli/backend.js';
import { dataDirFlag, readDataDir, readSeed } from '../cli/common-flags.js';
import { readInteger, readNumber, readOptionalInteger, readString } from '../cli/options.js';
import { ProgressBar } from '../cli/progress.js';
import type { Command } from '../cli/run-cli.js';
import { loadFashionMnist } from '../data/fashion-mnist.js';

interface TrainClassifierCommandOptions {
  out: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  dataDir: string;
  limit: number | undefined;
}

/** The `diffuse train-classifier` command. */
export const trainClassifierCommand: Command<TrainClassifierCommandOptions> = {
  spec: {
    name: 'train-classifier',
    summary: 'Train the Fashion-MNIST feature classifier used by `diffuse eval` (maintainers)',
    description:
      'A small CNN (3 convolutions, a 128-wide feature layer) trained with Adam on the 60 000 training\n' +
      'images; prints its accuracy on the 10 000 test images and saves config.json + model.safetensors.',
    flags: {
      out: {
        type: 'string',
        valueName: 'DIR',
        description: 'Output folder',
        defaultText: './fashion-mnist-classifier',
      },
      epochs: { type: 'string', valueName: 'N', description: 'Passes over the training set', defaultText: '3' },
      'batch-size': { type: 'string', valueName: 'N', description: 'Images per step', defaultText: '64' },
      'learning-rate': { type: 'string', valueName: 'LR', description: 'Adam learning rate', defaultText: '0.001' },
      seed: { type: 'string', valueName: 'N', description: 'Seed of the weights and the shuffling', defaultText: '0' },
      'data-dir': dataDirFlag('Folder of the IDX files'),
      limit: { type: 'string', valueName: 'N', description: 'Use only the first N training images (quick runs)' },
    },
    examples: ['diffuse train-classifier --out apps/cli/pretrained/fashion-mnist-classifier --epochs 3'],
  },
  parse(values) {
    return {
      out: resolve(readString(values, 'out', './fashion-mnist-classifier')),
      epochs: readInteger(values, 'epochs', 3, { min: 1, max: 100 }),
      batchSize: readInteger(values, 'batch-size', 64, { min: 1, max: 4096 }),
      learningRate: readNumber(values, 'learning-rate', 1e-3, { min: 1e-7, max: 1 }),
      seed: readSeed(values, 0),
      dataDir: readDataDir(values),
      limit: readOptionalInteger(values, 'limit', { min: 1 }),
    };
  },
  async run(options, context) {
    const choice = await activateBackend(context);
    const started = performance.now();
    const trainSet = await loadFashionMnist({ split: 'train', directory: options.dataDir, limit: options.limit });
    const testSet = await loadFashionMnist({ split: 'test', directory: options.dataDir });
    const stepsPerEpoch = Math.floor(trainSet.count / options.batchSize);
    const bar = new ProgressBar({
      label: 'train-classifier',
      total: options.epochs * stepsPerEpoch,
      unit: 'step',
      stream: context.stderr,
    });
    const { classifier, epochLosses } = await trainClassifier({
      train: trainSet,
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      seed: options.seed,
      onStep: ({ step, epoch, loss }) => bar.update(step, `epoch ${epoch + 1} loss ${loss.toFixed(4)}`),
    });
    bar.finish();
    try {
      const testAccuracy = await classifierAccuracy(classifier, testSet);
      const seconds = (performance.now() - started) / 1000;
      await saveClassifier(options.out, classifier, {
        testAccuracy,
        training: {
          command: `diffuse train-classifier --epochs ${options.epochs} --batch-size ${options.batchSize} --learning-rate ${options.learningRate} --seed ${options.seed}`,
          trainImages: trainSet.count,
          epochLosses: epochLosses.map((loss) => loss.toFixed(4)).join(', '),
          seconds: Math.round(seconds),
          backend: choice.backend,
        },
      });
      context.stdout(
        `epoch losses: ${epochLosses.map((loss) => loss.toFixed(4)).join(', ')}\n` +
          `test accuracy: ${(100 * testAccuracy).toFixed(2)} % (${testSet.count} images)\n` +
          `time: ${seconds.toFixed(0)} s on ${choice.backend}\n` +
          `saved: ${options.out}\n`,
      );
    } finally {
      classifier.dispose();
    }
  },
};
