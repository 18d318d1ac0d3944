import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FormatError, IoError } from '@diffuse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIdxFile, readPngFile, writePngFile } from './image-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffuse-io-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readIdxFile', () => {
  const labels = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 4, 5, 6]);

  it('reads plain and gzip-compressed IDX files', async () => {
    await writeFile(join(dir, 'labels-idx1-ubyte'), labels);
    await writeFile(join(dir, 'labels-idx1-ubyte.gz'), gzipSync(labels));
    for (const name of ['labels-idx1-ubyte', 'labels-idx1-ubyte.gz']) {
      const { dims, data } = await readIdxFile(join(dir, name));
      expect(dims).toEqual([3]);
      expect([...data]).toEqual([4, 5, 6]);
    }
  });

  it('names the file in IoErrors and FormatErrors, and bounds decompression', async () => {
    await expect(readIdxFile(join(dir, 'missing.gz'))).rejects.toSatisfy(
      (error: unknown) => IoError.isInstance(error) && /missing\.gz/.test(error.message),
    );
    await writeFile(join(dir, 'bad-idx'), labels.subarray(0, 9));
    await expect(readIdxFile(join(dir, 'bad-idx'))).rejects.toSatisfy(
      (error: unknown) => FormatError.isInstance(error) && /bad-idx: idx data.*truncated/.test(error.message),
    );
    await writeFile(join(dir, 'bomb.gz'), gzipSync(new Uint8Array(1_000_000)));
    await expect(readIdxFile(join(dir, 'bomb.gz'), { maxBytes: 1000 })).rejects.toSatisfy(FormatError.isInstance);
  });
});

describe('PNG files', () => {
  it('writes and reads back an image', async () => {
    const image = { width: 3, height: 2, channels: 3 as const, data: new Uint8Array(18).map((_, i) => i * 14) };
    await writePngFile(join(dir, 'grid.png'), image);
    expect(await readPngFile(join(dir, 'grid.png'))).toEqual(image);
  });
});

const fashionMnist = '/usr/share/datasets/fashion-mnist';
describe.skipIf(!existsSync(`${fashionMnist}/train-images-idx3-ubyte.gz`))('Fashion-MNIST (system dataset)', () => {
  it('reads the training images and labels: 60000 × 28 × 28 u8, labels 0..9', async () => {
    const images = await readIdxFile(`${fashionMnist}/train-images-idx3-ubyte.gz`);
    expect(images.dims).toEqual([60000, 28, 28]);
    expect(images.data).toBeInstanceOf(Uint8Array);
    expect(images.data.length).toBe(60000 * 28 * 28);
    let max = 0;
    for (let i = 0; i < 784; i++) max = Math.max(max, images.data[i]!);
    expect(max).toBeGreaterThan(200); // the first image is not blank
    const labels = await readIdxFile(`${fashionMnist}/t10k-labels-idx1-ubyte.gz`);
    expect(labels.dims).toEqual([10000]);
    expect(labels.data.every((label) => label >= 0 && label <= 9)).toBe(true);
    expect(new Set(labels.data).size).toBe(10);
  });
});
