/**
 * Fashion-MNIST (Xiao et al. 2017) as labelled float images for the classifier and `diffuse eval`: the
 * bytes come from `@diffuse/train/node`'s loader (Debian's `dataset-fashion-mnist` IDX files).
 */
import { FASHION_MNIST_DIRECTORY, loadFashionMnist as loadFashionMnistBytes } from '@diffuse/train/node';

/** Where Debian's `dataset-fashion-mnist` installs the files. */
export const FASHION_MNIST_DIR = FASHION_MNIST_DIRECTORY;

/** Labelled 28×28 grey images, pixel values scaled to [-1, 1]. */
export interface LabelledImages {
  /** [count, 28, 28, 1] row-major, in [-1, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/**
 * Loads the `train` (60 000) or `test` (10 000) split, optionally only the first `limit` images.
 *
 * @example
 * const test = await loadFashionMnist({ split: 'test' });
 */
export async function loadFashionMnist(options: {
  split: 'train' | 'test';
  directory?: string;
  limit?: number;
}): Promise<LabelledImages> {
  const { pixels, labels, shape } = await loadFashionMnistBytes({
    split: options.split,
    ...(options.directory === undefined ? {} : { directory: options.directory }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  const [count, height, width] = shape;
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i]! / 127.5 - 1;
  return { images, labels, count, height, width };
}
