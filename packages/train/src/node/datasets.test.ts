import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackends } from '@diffuse/backends/testing';
import { IoError, ShapeError } from '@diffuse/core';
import { writePngFile } from '@diffuse/io/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FASHION_MNIST_DIRECTORY, fashionMnistDataset, loadFashionMnist } from './fashion-mnist.js';
import { imageFolderDataset, loadImageFolder } from './image-folder.js';
import { JsonlMetricsWriter } from './jsonl-metrics.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'diffuse-datasets-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const hasFashionMnist = existsSync(join(FASHION_MNIST_DIRECTORY, 't10k-images-idx3-ubyte.gz'));

describeBackends(
  'Node datasets',
  () => {
    it.skipIf(!hasFashionMnist)('reads Fashion-MNIST (test split) with labels', async () => {
      const { pixels, labels, shape } = await loadFashionMnist({ split: 'test' });
      expect(shape).toEqual([10000, 28, 28, 1]);
      expect(labels.length).toBe(10000);
      expect(Math.max(...labels)).toBe(9);
      expect(pixels.length).toBe(10000 * 784);
      const dataset = await fashionMnistDataset({ split: 'test', seed: 0, limit: 100 });
      const { sample, classLabels } = dataset.batch({ start: 0, count: 8 });
      expect(sample.shape).toEqual([8, 28, 28, 1]);
      const values = await sample.data();
      expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
      const first = dataset.indexAt(0);
      expect((await classLabels!.data())[0]).toBe(labels[first]);
      sample.dispose();
      classLabels!.dispose();
    });

    it('tells how to install Fashion-MNIST when it is missing', async () => {
      const error = await loadFashionMnist({ directory: join(directory, 'absent') }).catch((e: unknown) => e);
      expect(IoError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(/apt-get install dataset-fashion-mnist/);
    });

    it('loads a PNG folder with class subfolders, converting channels', async () => {
      const root = join(directory, 'images');
      for (const [name, value] of [
        ['cats', 10],
        ['dogs', 200],
      ] as const) {
        await mkdir(join(root, name), { recursive: true });
        for (const index of [0, 1]) {
          const data = new Uint8Array(2 * 2 * 3).fill(value + index);
          await writePngFile(join(root, name, `${index}.png`), { width: 2, height: 2, channels: 3, data });
        }
      }
      const folder = await loadImageFolder({ directory: root });
      expect(folder.shape).toEqual([4, 2, 2, 3]);
      expect(folder.classNames).toEqual(['cats', 'dogs']);
      expect(Array.from(folder.labels!)).toEqual([0, 0, 1, 1]);
      expect(folder.pixels[4 * 4 * 3 - 1]).toBe(201);
      const grey = await loadImageFolder({ directory: root, channels: 1 });
      expect(grey.shape).toEqual([4, 2, 2, 1]);
      expect(grey.pixels[4]).toBe(11);
      const dataset = await imageFolderDataset({ directory: root, seed: 1 });
      expect(dataset.numClasses).toBe(2);
      await writePngFile(join(root, 'dogs', 'big.png'), { width: 3, height: 2, channels: 1, data: new Uint8Array(6) });
      await expect(loadImageFolder({ directory: root })).rejects.toThrow(ShapeError);
    });

    it('appends metrics as JSON lines', async () => {
      const path = join(directory, 'run', 'metrics.jsonl');
      const writer = new JsonlMetricsWriter(path);
      await writer.write({ step: 1, loss: 0.5 });
      await writer.write({ step: 2, loss: 0.25 });
      const lines = (await readFile(path, 'utf8')).trim().split('\n');
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        { step: 1, loss: 0.5 },
        { step: 2, loss: 0.25 },
      ]);
    });
  },
  { only: ['cpu'] },
);
