import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak, ShapeError, ValueError } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { imageGrid, tensorToImages } from './image-grid.js';
import type { PixelImage } from './png.js';

const solid = (value: number, width = 2, height = 2, channels: 1 | 3 | 4 = 1): PixelImage => ({
  width,
  height,
  channels,
  data: new Uint8Array(width * height * channels).fill(value),
});

describeBackends(
  'tensorToImages / imageGrid',
  () => {
    it('maps [-1, 1] to 0–255 like diffusers (clip, float32, round half to even), per batch item', async () => {
      await expectNoTensorLeak(async () => {
        const values = [-1, 1, 0, -2, 2, Number.NaN, 1 / 255 - 1, 0.5];
        const tensor = tf.tensor4d([...values, ...values.map((v) => -v)], [2, 2, 4, 1]);
        const images = await tensorToImages(tensor);
        tensor.dispose();
        // Expected pixels from numpy: (np.clip(x / 2 + 0.5, 0, 1) * 255).round() in float32 (NaN → 0).
        expect(images.map((image) => [...image.data])).toEqual([
          [0, 255, 128, 0, 255, 0, 0, 191],
          [255, 0, 128, 255, 0, 0, 254, 64],
        ]);
        expect(images[1]).toMatchObject({ width: 4, height: 2, channels: 1 });
        const half = tf.fill([1, 1, 1, 3], 0.5);
        const zeroToOne = await tensorToImages(half, { valueRange: [0, 1] });
        half.dispose();
        expect([...(zeroToOne[0]?.data ?? [])]).toEqual([128, 128, 128]);
      });
    });

    it('refuses tensors that are not NHWC images', async () => {
      const twoChannels = tf.zeros([1, 2, 2, 2]);
      const rank3 = tf.zeros([2, 2, 1]);
      await expect(tensorToImages(twoChannels)).rejects.toThrow(ShapeError);
      await expect(tensorToImages(rank3)).rejects.toThrow(/rank-4/);
      await expect(tensorToImages(rank3, { valueRange: [1, 1] })).rejects.toThrow(/valueRange/);
      tf.dispose([twoChannels, rank3]);
    });

    it('tiles a tensor batch into a padded grid, row by row', async () => {
      await expectNoTensorLeak(async () => {
        // Three 1×2 RGB images with distinct values; 2 columns, padding 1 of value 9.
        const tensor = tf.tensor4d([-1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], [3, 1, 2, 3]);
        const grid = await imageGrid({ images: tensor, columns: 2, padding: 1, paddingValue: 9 });
        tensor.dispose();
        expect(grid).toMatchObject({ width: 2 * 3 + 1, height: 2 * 2 + 1, channels: 3 });
        const pixel = (x: number, y: number) => grid.data[(y * grid.width + x) * 3];
        const rows = [0, 1, 2, 3, 4].map((y) => [0, 1, 2, 3, 4, 5, 6].map((x) => pixel(x, y)));
        expect(rows).toEqual([
          [9, 9, 9, 9, 9, 9, 9],
          [9, 0, 0, 9, 128, 128, 9],
          [9, 9, 9, 9, 9, 9, 9],
          [9, 255, 255, 9, 9, 9, 9],
          [9, 9, 9, 9, 9, 9, 9],
        ]);
      });
    });
  },
  { only: ['cpu'] },
);

it('imageGrid: default columns ⌈√n⌉, opaque padding for RGBA, typed errors', async () => {
  const grid = await imageGrid({ images: [solid(1), solid(2), solid(3), solid(4), solid(5)] });
  expect(grid).toMatchObject({ width: 6, height: 4, channels: 1 });
  expect(grid.data[5]).toBe(3); // first row: images 1, 2, 3
  expect(grid.data[2 * 6 + 0]).toBe(4);
  expect(grid.data[3 * 6 + 5]).toBe(0); // empty sixth cell
  const rgba = await imageGrid({ images: [solid(7, 1, 1, 4)], padding: 1 });
  expect([...rgba.data.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
  expect([...rgba.data.subarray(16, 20)]).toEqual([7, 7, 7, 7]);
  await expect(imageGrid({ images: [] })).rejects.toThrow(ValueError);
  await expect(imageGrid({ images: [solid(1), solid(1, 3)] })).rejects.toThrow(/images\[1\].*2 × 2 × 1/);
  await expect(imageGrid({ images: [solid(1)], columns: 0 })).rejects.toThrow(/columns/);
});
