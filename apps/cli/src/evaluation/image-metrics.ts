/**
 * Image metrics of `diffuse eval`: the Fréchet distance between classifier features of two image sets
 * (FID's recipe with the Fashion-MNIST classifier in place of Inception), and the class histogram the
 * classifier assigns to generated images.
 */
import { frechetDistance } from '@diffuse/train';
import { clipByValue, tensor4d, tidy } from '@tensorflow/tfjs-core';
import type { FashionClassifier } from '../classifier/fashion-classifier.js';

/** Images as a flat NHWC array in [-1, 1] and their count. */
export interface ImageSet {
  data: Float32Array;
  count: number;
}

/** Classifier features ([count × featureDim], row-major) of `images` (clipped to [-1, 1]), in batches. */
export async function classifierFeatures(
  classifier: FashionClassifier,
  images: ImageSet,
  batchSize = 500,
): Promise<Float32Array> {
  const { imageSize, inChannels, featureDim } = classifier.config;
  const size = imageSize * imageSize * inChannels;
  const features = new Float32Array(images.count * featureDim);
  for (let start = 0; start < images.count; start += batchSize) {
    const count = Math.min(batchSize, images.count - start);
    const batch = tidy(() =>
      clipByValue(
        tensor4d(images.data.subarray(start * size, (start + count) * size), [count, imageSize, imageSize, inChannels]),
        -1,
        1,
      ),
    );
    const output = classifier.features(batch);
    features.set((await output.data()) as Float32Array, start * featureDim);
    batch.dispose();
    output.dispose();
  }
  return features;
}

/** Fréchet distance between the classifier features of two image sets. */
export function featureFrechetDistance(a: Float32Array, b: Float32Array, featureDim: number): number {
  return frechetDistance({ data: a, dimension: featureDim }, { data: b, dimension: featureDim });
}

/** How many of `images` the classifier assigns to each class. */
export async function classHistogram(classifier: FashionClassifier, images: ImageSet): Promise<number[]> {
  const { imageSize, inChannels, numClasses } = classifier.config;
  const size = imageSize * imageSize * inChannels;
  const histogram = new Array<number>(numClasses).fill(0);
  for (let start = 0; start < images.count; start += 500) {
    const count = Math.min(500, images.count - start);
    const batch = tensor4d(images.data.subarray(start * size, (start + count) * size), [
      count,
      imageSize,
      imageSize,
      inChannels,
    ]);
    const labels = classifier.predictLabels(batch);
    for (const label of await labels.data()) histogram[label] = (histogram[label] ?? 0) + 1;
    batch.dispose();
    labels.dispose();
  }
  return histogram;
}

/** Picks `count` images of `images` (seeded, without replacement) by the given index order. */
export function subset(images: Float32Array, imageSize: number, order: ArrayLike<number>, count: number): Float32Array {
  const result = new Float32Array(count * imageSize);
  for (let i = 0; i < count; i++) {
    const index = order[i]!;
    result.set(images.subarray(index * imageSize, (index + 1) * imageSize), i * imageSize);
  }
  return result;
}
