import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@diffuse/backends';
import { ShapeError } from '@diffuse/core';
import { memory, type Tensor4D, tensor4d } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pretrainedClassifierDirectory } from '../cli/paths.js';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { loadClassifier, saveClassifier } from './classifier-files.js';
import { FashionClassifier } from './fashion-classifier.js';
import { classifierAccuracy, shuffledIndices, trainClassifier } from './train-classifier.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

function images(count: number): Tensor4D {
  const data = new Float32Array(count * 784).map((_, i) => Math.sin(i * 0.37));
  return tensor4d(data, [count, 28, 28, 1]);
}

describe('FashionClassifier', () => {
  it('maps [n, 28, 28, 1] to 128 features and 10 logits, without leaks', async () => {
    const classifier = FashionClassifier.initialize({ seed: 0 });
    const input = images(3);
    const before = memory().numTensors;
    const { features, logits } = classifier.forward(input);
    expect(features.shape).toEqual([3, 128]);
    expect(logits.shape).toEqual([3, 10]);
    expect(Math.min(...(await features.data()))).toBeGreaterThanOrEqual(0); // post-ReLU
    features.dispose();
    logits.dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => classifier.forward(tensor4d(new Float32Array(784), [1, 28, 28, 1]).reshape([1, 14, 56, 1]))).toThrow(
      ShapeError,
    );
    input.dispose();
    classifier.dispose();
  });

  it('saves and loads to the same outputs', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'diffuse-classifier-'));
    const classifier = FashionClassifier.initialize({ seed: 3 });
    await saveClassifier(directory, classifier, { testAccuracy: 0.5, training: { command: 'test' } });
    const { classifier: loaded, record } = await loadClassifier(directory);
    expect(record.testAccuracy).toBe(0.5);
    const input = images(2);
    const a = classifier.forward(input);
    const b = loaded.forward(input);
    expect(Array.from(await b.logits.data())).toEqual(Array.from(await a.logits.data()));
    for (const tensor of [a.features, a.logits, b.features, b.logits, input]) tensor.dispose();
    classifier.dispose();
    loaded.dispose();
  });

  it('learns: a short run on 640 training images beats chance on held-out images', async () => {
    const train = await loadFashionMnist({ split: 'train', limit: 640 });
    const { classifier, epochLosses } = await trainClassifier({
      train,
      epochs: 2,
      batchSize: 32,
      learningRate: 2e-3,
      seed: 1,
    });
    expect(epochLosses[1]!).toBeLessThan(epochLosses[0]!);
    const test = await loadFashionMnist({ split: 'test', limit: 500 });
    expect(await classifierAccuracy(classifier, test)).toBeGreaterThan(0.5);
    classifier.dispose();
  });

  it('the committed classifier is accurate on test images', async () => {
    const { classifier, record } = await loadClassifier(pretrainedClassifierDirectory());
    const test = await loadFashionMnist({ split: 'test', limit: 1000 });
    const accuracy = await classifierAccuracy(classifier, test);
    expect(accuracy).toBeGreaterThan(0.86);
    expect(record.testAccuracy).toBeGreaterThan(0.88);
    classifier.dispose();
  });
});

describe('shuffledIndices', () => {
  it('is a seeded permutation', () => {
    const order = shuffledIndices(100, 5);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(shuffledIndices(100, 5))).toEqual(Array.from(order));
    expect(Array.from(shuffledIndices(100, 6))).not.toEqual(Array.from(order));
  });
});
