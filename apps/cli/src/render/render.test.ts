import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShapeError, ValueError } from '@diffuse/core';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { renderDenoisingStrip, tileImages, toByte, upscale } from './image-grid.js';
import { fitBounds, renderScatterPlot } from './scatter-plot.js';
import { writePng } from './write-png.js';

function pixel(image: { width: number; data: Uint8Array }, x: number, y: number, channels = 3): number[] {
  const offset = channels * (y * image.width + x);
  return Array.from(image.data.subarray(offset, offset + channels));
}

describe('tileImages', () => {
  it('places image i at row ⌊i/columns⌋, column i mod columns, with padding', () => {
    // Three 2×2 grey images with constant values -1, 0, 1.
    const data = new Float32Array([-1, -1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1]);
    const grid = tileImages({ batch: { data, count: 3, height: 2, width: 2, channels: 1 }, columns: 2, padding: 1 });
    expect([grid.width, grid.height, grid.channels]).toEqual([7, 7, 1]);
    expect(pixel(grid, 1, 1, 1)).toEqual([0]); // image 0, value -1
    expect(pixel(grid, 4, 2, 1)).toEqual([128]); // image 1, value 0
    expect(pixel(grid, 2, 5, 1)).toEqual([255]); // image 2, value 1
    expect(pixel(grid, 0, 0, 1)).toEqual([255]); // padding
    expect(pixel(grid, 4, 4, 1)).toEqual([255]); // padding between rows
  });

  it('clamps out-of-range values and rejects inconsistent shapes', () => {
    expect([toByte(-3), toByte(3), toByte(Number.NaN)]).toEqual([0, 255, 0]);
    const error = (() => {
      try {
        tileImages({ batch: { data: new Float32Array(5), count: 1, height: 2, width: 2, channels: 1 } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ShapeError.isInstance(error)).toBe(true);
  });
});

describe('upscale', () => {
  it('repeats each pixel factor × factor times', () => {
    const image = upscale({ width: 2, height: 1, channels: 1, data: new Uint8Array([10, 20]) }, 2);
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(Array.from(image.data)).toEqual([10, 10, 20, 20, 10, 10, 20, 20]);
    expect(() => upscale(image, 0)).toThrow(ValueError);
  });
});

describe('renderDenoisingStrip', () => {
  it('puts x_t rows above predicted x₀ rows, one column per frame', () => {
    const frame = (sample: number, predOriginal: number) => ({
      sample: new Float32Array(2).fill(sample),
      predOriginal: new Float32Array(2).fill(predOriginal),
    });
    // Two samples of 1×1 images: sample s has value (frame value) for both.
    const strip = renderDenoisingStrip({
      frames: [frame(-1, 1), frame(0, 1)],
      samples: 2,
      height: 1,
      width: 1,
      channels: 1,
      padding: 0,
    });
    expect([strip.width, strip.height]).toEqual([2, 4]);
    expect(Array.from(strip.data)).toEqual([0, 128, 255, 255, 0, 128, 255, 255]);
  });
});

describe('renderScatterPlot', () => {
  it('draws points where their coordinates fall, y upwards, later layers on top', () => {
    const image = renderScatterPlot({
      layers: [
        { points: [-1, -1], color: [0, 0, 255], radius: 1, opacity: 1 },
        { points: [1, 1, -1, -1], color: [255, 0, 0], radius: 0, opacity: 1 },
      ],
      width: 101,
      height: 101,
      bounds: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    });
    expect(pixel(image, 75, 25)).toEqual([255, 0, 0]); // (1, 1): right, top
    expect(pixel(image, 25, 75)).toEqual([255, 0, 0]); // (-1, -1) red on top of blue
    expect(pixel(image, 26, 75)).toEqual([0, 0, 255]); // blue disk around it
    expect(pixel(image, 50, 10)).toEqual([150, 150, 150]); // the y axis
    expect(pixel(image, 10, 10)).toEqual([255, 255, 255]);
  });

  it('blends translucent points so that density shows', () => {
    // Grid lines every 0.1 fall on pixels 0, 3, 6, …; (4/30, 4/30) is pixel (4, 26), off the grid.
    const plot = (points: number[]) =>
      renderScatterPlot({
        layers: [{ points, color: [0, 0, 0], radius: 0, opacity: 0.5 }],
        width: 31,
        height: 31,
        bounds: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
      });
    const at = 4 / 30;
    expect(pixel(plot([at, at]), 4, 26)[0]).toBe(128);
    expect(pixel(plot([at, at, at, at]), 4, 26)[0]).toBe(64);
  });

  it('fits square bounds around the data and rejects odd coordinate counts', () => {
    const bounds = fitBounds([{ points: [0, 0, 4, 1], color: [0, 0, 0] }], 0);
    expect(bounds).toEqual({ xMin: 0, xMax: 4, yMin: -1.5, yMax: 2.5 });
    expect(() => renderScatterPlot({ layers: [{ points: [1, 2, 3], color: [0, 0, 0] }] })).toThrow(ValueError);
  });
});

describe('writePng', () => {
  it('writes a PNG that decodes to the same pixels, creating the folder', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'diffuse-cli-'));
    const path = join(directory, 'nested', 'plot.png');
    const image = renderScatterPlot({ layers: [{ points: [0, 0], color: [200, 10, 10] }], width: 16, height: 16 });
    await writePng(path, { ...image, channels: 3 });
    const decoded = decode(await readFile(path));
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([16, 16, 3]);
    expect(Array.from(decoded.data)).toEqual(Array.from(image.data));
  });
});
