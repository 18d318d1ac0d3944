import { FormatError, ShapeError, ValueError } from '@diffuse/core';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from './png.js';

const ramp = (length: number) => new Uint8Array(length).map((_, i) => (i * 37) % 256);

describe('encodePng / decodePng', () => {
  for (const channels of [1, 3, 4] as const) {
    it(`round-trips ${channels}-channel 8-bit images exactly`, () => {
      const image = { width: 5, height: 3, channels, data: ramp(5 * 3 * channels) };
      const png = encodePng(image);
      expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      expect(decodePng(png)).toEqual(image);
    });
  }

  it('decodes greyscale+alpha as RGBA, 16-bit as the high byte, packed 1-bit greyscale scaled to 0–255', () => {
    const greyAlpha = encode({ width: 2, height: 1, channels: 2, depth: 8, data: new Uint8Array([10, 200, 30, 40]) });
    expect(decodePng(greyAlpha)).toEqual({
      width: 2,
      height: 1,
      channels: 4,
      data: new Uint8Array([10, 10, 10, 200, 30, 30, 30, 40]),
    });
    const sixteen = encode({
      width: 2,
      height: 1,
      channels: 3,
      depth: 16,
      data: new Uint16Array([0xffff, 0x1234, 0, 0x00ff, 0xff00, 0x8080]),
    });
    expect([...decodePng(sixteen).data]).toEqual([0xff, 0x12, 0, 0, 0xff, 0x80]);
    // 3 × 2 pixels at 1 bit: rows 101 and 011, each padded to a byte.
    const bits = encode({
      width: 3,
      height: 2,
      channels: 1,
      depth: 1,
      data: new Uint8Array([0b1010_0000, 0b0110_0000]),
    });
    expect(decodePng(bits)).toEqual({
      width: 3,
      height: 2,
      channels: 1,
      data: new Uint8Array([255, 0, 255, 0, 255, 255]),
    });
  });

  it('decodes palette images to RGB', () => {
    const palette = encode({
      width: 3,
      height: 1,
      channels: 1,
      depth: 8,
      data: new Uint8Array([0, 1, 0]),
      palette: [
        [255, 0, 0],
        [0, 0, 255],
      ],
    });
    expect(decodePng(palette)).toEqual({
      width: 3,
      height: 1,
      channels: 3,
      data: new Uint8Array([255, 0, 0, 0, 0, 255, 255, 0, 0]),
    });
  });

  it('refuses bad images and bad bytes with typed errors', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).toThrow(ShapeError);
    expect(() => encodePng({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) })).toThrow(ValueError);
    expect(() => encodePng({ width: 1, height: 1, channels: 2 as 1, data: new Uint8Array(2) })).toThrow(/channels/);
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow(FormatError);
    const png = encodePng({ width: 4, height: 4, channels: 1, data: ramp(16) });
    expect(() => decodePng(png.subarray(0, png.length - 20))).toThrow(FormatError);
    const huge = Uint8Array.from(png);
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    expect(() => decodePng(huge)).toThrow(/png size.*100000 × 100000/);
  });
});
