/**
 * Fashion-MNIST (Xiao et al. 2017) as labelled images for the classifier and for `diffuse eval`:
 * reads the gzipped IDX files of Debian's `dataset-fashion-mnist` package.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FormatError, IoError } from '@diffuse/core';

/** Where Debian's `dataset-fashion-mnist` installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Labelled 28×28 grey images, pixel values scaled to [-1, 1]. */
export interface LabelledImages {
  /** [count, 28, 28, 1] row-major, in [-1, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** Parses an (optionally gzipped) IDX file of unsigned bytes: its dimensions and values. */
export function parseUbyteIdx(bytes: Uint8Array, source: string): { dims: number[]; values: Uint8Array } {
  const data = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  if (data.length < 4 || data[0] !== 0 || data[1] !== 0 || data[2] !== 0x08) {
    throw new FormatError({
      argument: source,
      expected: 'an IDX file of unsigned bytes (magic 0x00 0x00 0x08 <rank>)',
      received: Array.from(data.subarray(0, 4)),
    });
  }
  const rank = data[3]!;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const dims: number[] = [];
  for (let axis = 0; axis < rank; axis++) dims.push(view.getUint32(4 + 4 * axis, false));
  const start = 4 + 4 * rank;
  const size = dims.reduce((product, dim) => product * dim, 1);
  if (data.length !== start + size) {
    throw new FormatError({
      argument: source,
      expected: `${start + size} bytes for dimensions [${dims.join(', ')}]`,
      received: data.length,
    });
  }
  return { dims, values: data.subarray(start) };
}

async function readIdx(directory: string, name: string): Promise<{ dims: number[]; values: Uint8Array }> {
  const candidates = [join(directory, `${name}.gz`), join(directory, name)];
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) {
    throw new IoError({
      argument: 'Fashion-MNIST',
      expected: `${name}(.gz) in ${directory}`,
      received: 'no such file',
      hint: "Install Debian's `dataset-fashion-mnist` package or pass --data-dir with the four IDX files",
    });
  }
  return parseUbyteIdx(new Uint8Array(await readFile(path)), path);
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
  const directory = options.directory ?? FASHION_MNIST_DIR;
  const prefix = options.split === 'train' ? 'train' : 't10k';
  const images = await readIdx(directory, `${prefix}-images-idx3-ubyte`);
  const labels = await readIdx(directory, `${prefix}-labels-idx1-ubyte`);
  const [total = 0, height = 0, width = 0] = images.dims;
  if (images.dims.length !== 3 || labels.dims.length !== 1 || labels.dims[0] !== total) {
    throw new FormatError({
      argument: `${prefix} IDX files`,
      expected: 'images [n, h, w] and labels [n]',
      received: { images: images.dims, labels: labels.dims },
    });
  }
  const count = Math.min(total, options.limit ?? total);
  const pixels = new Float32Array(count * height * width);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (images.values[i]! / 255) * 2 - 1;
  return { images: pixels, labels: labels.values.slice(0, count), count, height, width };
}
