/**
 * Fashion-MNIST (Xiao et al. 2017) from the IDX files of the Debian package `dataset-fashion-mnist`
 * (`/usr/share/datasets/fashion-mnist/*-idx?-ubyte.gz`, MIT licence).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError, requireOneOf, ShapeError } from '@diffuse/core';
import { readIdxFile } from '@diffuse/io/node';
import { ImageDataset } from '../data/image-dataset.js';

/** Where the Debian package installs the files. */
export const FASHION_MNIST_DIRECTORY = '/usr/share/datasets/fashion-mnist';

/** The ten Fashion-MNIST classes, by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /** `train` (60 000 images, default) or `test` (10 000). */
  split?: 'train' | 'test';
  /** Folder holding the four `.gz` IDX files (default {@link FASHION_MNIST_DIRECTORY}). */
  directory?: string;
  /** Keep only the first `limit` images (default all). */
  limit?: number;
}

/** Raw Fashion-MNIST: 28×28 greyscale bytes and labels. */
export interface FashionMnistData {
  /** count × 28 × 28 bytes (NHWC with one channel). */
  pixels: Uint8Array;
  labels: Uint8Array;
  shape: [number, 28, 28, 1];
}

/**
 * Reads Fashion-MNIST's images and labels. Throws an `IoError` telling how to install the data
 * (`apt-get install dataset-fashion-mnist`) when the files are missing.
 *
 * @example
 * const { pixels, labels, shape } = await loadFashionMnist({ split: 'train' }); // shape [60000, 28, 28, 1]
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnistData> {
  const split = requireOneOf('split', options.split ?? 'train', ['train', 'test'] as const);
  const directory = options.directory ?? FASHION_MNIST_DIRECTORY;
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = join(directory, `${prefix}-images-idx3-ubyte.gz`);
  const labelsPath = join(directory, `${prefix}-labels-idx1-ubyte.gz`);
  for (const path of [imagesPath, labelsPath]) {
    try {
      await access(path);
    } catch (cause) {
      throw new IoError({
        argument: 'directory',
        expected: `the Fashion-MNIST IDX files in ${directory}`,
        received: `no ${path}`,
        hint: 'Install them with `apt-get install dataset-fashion-mnist` (Debian), or pass `directory`',
        cause,
      });
    }
  }
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  const [count = 0, height, width] = images.dims;
  if (images.dims.length !== 3 || height !== 28 || width !== 28 || !(images.data instanceof Uint8Array)) {
    throw new ShapeError({
      argument: imagesPath,
      expected: 'uint8 images of shape [count, 28, 28]',
      received: images.dims,
    });
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== count || !(labels.data instanceof Uint8Array)) {
    throw new ShapeError({ argument: labelsPath, expected: `${count} uint8 labels`, received: labels.dims });
  }
  const limit = Math.min(count, options.limit ?? count);
  return {
    pixels: images.data.subarray(0, limit * 784),
    labels: labels.data.subarray(0, limit),
    shape: [limit, 28, 28, 1],
  };
}

/**
 * Fashion-MNIST as a shuffled, endless {@link ImageDataset} in [−1, 1] with class labels.
 *
 * @example
 * const dataset = await fashionMnistDataset({ seed: 0 });
 * const { sample, classLabels } = dataset.batch({ start: 0, count: 64 });
 */
export async function fashionMnistDataset(
  options: FashionMnistOptions & { seed: number; horizontalFlip?: boolean },
): Promise<ImageDataset> {
  const { pixels, labels, shape } = await loadFashionMnist(options);
  return new ImageDataset({
    pixels,
    shape,
    labels,
    numClasses: 10,
    seed: options.seed,
    horizontalFlip: options.horizontalFlip ?? false,
  });
}
