import { describeBackends } from '@diffuse/backends/testing';
import { ShapeError } from '@diffuse/core';
import { expect, it } from 'vitest';
import { ImageDataset } from './image-dataset.js';

/** 10 images of 1×2 pixels, 1 channel: image i = [10·i, 10·i + 5]. */
function tinyDataset(options: { seed?: number; horizontalFlip?: boolean } = {}): ImageDataset {
  const pixels = new Uint8Array(20);
  for (let i = 0; i < 10; i++) pixels.set([10 * i, 10 * i + 5], 2 * i);
  return new ImageDataset({
    pixels,
    shape: [10, 1, 2, 1],
    labels: Array.from({ length: 10 }, (_, i) => i % 3),
    seed: options.seed ?? 0,
    horizontalFlip: options.horizontalFlip ?? false,
  });
}

describeBackends(
  'ImageDataset',
  () => {
    it('visits every image once per epoch in a seeded order that changes between epochs', () => {
      const dataset = tinyDataset();
      const epoch0 = Array.from({ length: 10 }, (_, p) => dataset.indexAt(p));
      const epoch1 = Array.from({ length: 10 }, (_, p) => dataset.indexAt(10 + p));
      expect([...epoch0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect([...epoch1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(epoch1).not.toEqual(epoch0);
      expect(epoch0).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(Array.from({ length: 10 }, (_, p) => tinyDataset().indexAt(p))).toEqual(epoch0);
      expect(Array.from({ length: 10 }, (_, p) => tinyDataset({ seed: 1 }).indexAt(p))).not.toEqual(epoch0);
    });

    it('scales to [−1, 1], returns labels, and spans epochs within a batch', async () => {
      const dataset = tinyDataset();
      const { sample, classLabels } = dataset.batch({ start: 8, count: 4 });
      expect(sample.shape).toEqual([4, 1, 2, 1]);
      const indices = [8, 9, 10, 11].map((p) => dataset.indexAt(p));
      const expected = indices.flatMap((i) => [(10 * i) / 127.5 - 1, (10 * i + 5) / 127.5 - 1]);
      expect(Array.from(await sample.data())).toEqual(expected.map((x) => expect.closeTo(x, 6)));
      expect(Array.from(await classLabels!.data())).toEqual(indices.map((i) => i % 3));
      expect(dataset.numClasses).toBe(3);
      sample.dispose();
      classLabels!.dispose();
    });

    it('flips about half the examples left–right, the same way every time', async () => {
      const dataset = tinyDataset({ horizontalFlip: true });
      const { sample } = dataset.batch({ start: 0, count: 200 });
      const values = await sample.data();
      let flipped = 0;
      for (let b = 0; b < 200; b++) if (values[2 * b]! > values[2 * b + 1]!) flipped += 1;
      expect(flipped).toBeGreaterThan(70);
      expect(flipped).toBeLessThan(130);
      const again = tinyDataset({ horizontalFlip: true }).batch({ start: 0, count: 200 }).sample;
      expect(Array.from(await again.data())).toEqual(Array.from(values));
      sample.dispose();
      again.dispose();
    });

    it('checks its inputs', () => {
      expect(() => new ImageDataset({ pixels: new Uint8Array(3), shape: [2, 1, 2, 1], seed: 0 })).toThrow(ShapeError);
      expect(() => new ImageDataset({ pixels: new Uint8Array(4), shape: [2, 1, 2, 1], labels: [0], seed: 0 })).toThrow(
        /labels/,
      );
    });
  },
  { only: ['cpu'] },
);
