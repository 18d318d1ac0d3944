/**
 * Trains the Fashion-MNIST feature classifier: softmax cross-entropy, Adam, shuffled mini-batches,
 * and measures its accuracy. `diffuse train-classifier` runs this once; the result is committed under
 * `apps/cli/pretrained/fashion-mnist-classifier/`.
 */
import {
  logSoftmax,
  mean,
  mul,
  neg,
  oneHot,
  type Scalar,
  sum,
  type Tensor1D,
  type Tensor4D,
  tensor1d,
  tensor4d,
  tidy,
  train,
} from '@tensorflow/tfjs-core';
import type { LabelledImages } from '../data/fashion-mnist.js';
import { FashionClassifier } from './fashion-classifier.js';

/** A seeded permutation of `0 … count-1` (Mulberry32 + Fisher–Yates): the epoch's example order. */
export function shuffledIndices(count: number, seed: number): Uint32Array {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/** A batch of `indices` from `data` as an image tensor and a label tensor. */
export function gatherBatch(data: LabelledImages, indices: ArrayLike<number>): { images: Tensor4D; labels: Tensor1D } {
  const size = data.height * data.width;
  const pixels = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    pixels.set(data.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = data.labels[index]!;
  }
  return {
    images: tensor4d(pixels, [indices.length, data.height, data.width, 1]),
    labels: tensor1d(labels, 'int32'),
  };
}

/** Fraction of `data` that `classifier` labels correctly. */
export async function classifierAccuracy(
  classifier: FashionClassifier,
  data: LabelledImages,
  batchSize = 500,
): Promise<number> {
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    const batch = gatherBatch(data, indices);
    const predicted = classifier.predictLabels(batch.images);
    const matches = tidy(() => sum(predicted.equal(batch.labels).cast('int32')));
    correct += (await matches.data())[0]!;
    for (const item of [batch.images, batch.labels, predicted, matches]) item.dispose();
  }
  return correct / data.count;
}

/** Progress of {@link trainClassifier}, reported after every step. */
export interface ClassifierProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  /** Mean cross-entropy of the last 50 steps. */
  loss: number;
}

/** Options of {@link trainClassifier}. */
export interface TrainClassifierOptions {
  train: LabelledImages;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  onStep?: (progress: ClassifierProgress) => void;
}

/**
 * Trains a freshly initialised classifier; returns it with the mean loss of each epoch.
 *
 * @example
 * const { classifier } = await trainClassifier({ train, epochs: 3, batchSize: 64, learningRate: 1e-3, seed: 0 });
 */
export async function trainClassifier(
  options: TrainClassifierOptions,
): Promise<{ classifier: FashionClassifier; epochLosses: number[] }> {
  const { train: data, epochs, batchSize, seed } = options;
  const classifier = FashionClassifier.initialize({ seed });
  const optimizer = train.adam(options.learningRate);
  const stepsPerEpoch = Math.floor(data.count / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const recent: number[] = [];
  const epochLosses: number[] = [];
  let step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffledIndices(data.count, seed * 1000 + epoch + 1);
      let epochTotal = 0;
      for (let batchIndex = 0; batchIndex < stepsPerEpoch; batchIndex++) {
        const batch = gatherBatch(data, order.subarray(batchIndex * batchSize, (batchIndex + 1) * batchSize));
        // One-hot targets are built outside the gradient tape: they need no gradient.
        const targets = tidy(() => oneHot(batch.labels, classifier.config.numClasses).cast('float32'));
        const lossTensor = optimizer.minimize(
          () => {
            const { features, logits } = classifier.forward(batch.images);
            features.dispose();
            return neg(mean(sum(mul(targets, logSoftmax(logits)), 1))) as Scalar;
          },
          true,
          classifier.trainableVariables(),
        );
        const loss = (await lossTensor!.data())[0]!;
        lossTensor!.dispose();
        batch.images.dispose();
        batch.labels.dispose();
        targets.dispose();
        epochTotal += loss;
        recent.push(loss);
        if (recent.length > 50) recent.shift();
        step++;
        options.onStep?.({
          step,
          totalSteps,
          epoch,
          loss: recent.reduce((total, value) => total + value, 0) / recent.length,
        });
      }
      epochLosses.push(epochTotal / stepsPerEpoch);
    }
  } catch (error) {
    classifier.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  return { classifier, epochLosses };
}
