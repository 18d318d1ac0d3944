/**
 * PNG encode/decode (through fast-png) for 8-bit images: greyscale, RGB or RGBA, row-major, interleaved.
 */
import { FormatError, ShapeError, ValueError } from '@diffuse/core';
import { convertIndexedToRgb, decode, encode } from 'fast-png';

/** An 8-bit image: `height` rows of `width` pixels of `channels` interleaved bytes. */
export interface PixelImage {
  width: number;
  height: number;
  /** 1 = greyscale, 3 = RGB, 4 = RGBA. */
  channels: 1 | 3 | 4;
  /** `width · height · channels` bytes, row-major. */
  data: Uint8Array;
}

/** Default largest image {@link decodePng} accepts, in pixels (8192 × 8192). */
export const PNG_MAX_PIXELS = 8192 * 8192;

/** Checks a {@link PixelImage}'s fields; `argument` names it in errors. */
export function checkPixelImage(image: PixelImage, argument = 'image'): PixelImage {
  if (typeof image !== 'object' || image === null) {
    throw new ValueError({ argument, expected: 'an object { width, height, channels, data }', received: image });
  }
  for (const field of ['width', 'height'] as const) {
    const value = image[field];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ValueError({ argument: `${argument}.${field}`, expected: 'a positive integer', received: value });
    }
  }
  if (image.channels !== 1 && image.channels !== 3 && image.channels !== 4) {
    throw new ValueError({ argument: `${argument}.channels`, expected: '1, 3 or 4', received: image.channels });
  }
  if (!(image.data instanceof Uint8Array)) {
    throw new ValueError({ argument: `${argument}.data`, expected: 'a Uint8Array', received: image.data });
  }
  const expected = image.width * image.height * image.channels;
  if (image.data.length !== expected) {
    throw new ShapeError({
      argument: `${argument}.data`,
      expected: `${expected} bytes (${image.width} × ${image.height} × ${image.channels})`,
      received: `${image.data.length} bytes`,
    });
  }
  return image;
}

/**
 * Encodes an 8-bit greyscale, RGB or RGBA image as PNG bytes.
 *
 * @example
 * const png = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 */
export function encodePng(image: PixelImage): Uint8Array {
  checkPixelImage(image);
  return encode({ width: image.width, height: image.height, channels: image.channels, depth: 8, data: image.data });
}

/**
 * Decodes PNG bytes into an 8-bit image. Greyscale stays 1 channel, greyscale+alpha becomes RGBA,
 * palette images become RGB (RGBA with transparency), 16-bit samples keep their high byte and 1/2/4-bit
 * samples are scaled to 0–255. Malformed bytes, and images above `maxPixels`, are {@link FormatError}s.
 *
 * @example
 * const { width, height, channels, data } = decodePng(pngBytes);
 */
export function decodePng(bytes: Uint8Array, options: { maxPixels?: number } = {}): PixelImage {
  const maxPixels = options.maxPixels ?? PNG_MAX_PIXELS;
  checkHeader(bytes, maxPixels);
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError({ argument: 'png', expected: 'a valid PNG file', received: reason, cause });
  }
  const { width, height } = png;
  if (png.palette) {
    const data = convertIndexedToRgb(png);
    return { width, height, channels: data.length === width * height * 4 ? 4 : 3, data };
  }
  const samples = toEightBit(png.data, png.depth, png.channels, width, height);
  if (png.channels === 2) {
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const grey = samples[2 * i]!;
      data[4 * i] = grey;
      data[4 * i + 1] = grey;
      data[4 * i + 2] = grey;
      data[4 * i + 3] = samples[2 * i + 1]!;
    }
    return { width, height, channels: 4, data };
  }
  if (png.channels !== 1 && png.channels !== 3 && png.channels !== 4) {
    throw new FormatError({ argument: 'png channels', expected: '1, 2, 3 or 4', received: png.channels });
  }
  return { width, height, channels: png.channels, data: samples };
}

/** Reads width and height from the IHDR chunk before decoding, to refuse huge images cheaply. */
function checkHeader(bytes: Uint8Array, maxPixels: number): void {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!(bytes instanceof Uint8Array) || bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) {
    throw new FormatError({
      argument: 'png',
      expected: 'bytes starting with the PNG signature and IHDR',
      received: bytes,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0 || width * height > maxPixels) {
    throw new FormatError({
      argument: 'png size',
      expected: `1 to ${maxPixels} pixels (options.maxPixels)`,
      received: `${width} × ${height}`,
    });
  }
}

/** 16-bit → high byte; packed 1/2/4-bit rows → one byte per sample scaled to 0–255; 8-bit unchanged. */
function toEightBit(
  data: Uint8Array | Uint8ClampedArray | Uint16Array,
  depth: number,
  channels: number,
  width: number,
  height: number,
): Uint8Array {
  if (depth === 8) return data instanceof Uint8Array ? data : new Uint8Array(data);
  if (depth === 16) return Uint8Array.from(data, (value) => value >>> 8);
  const perRow = width * channels;
  const bytesPerRow = Math.ceil((perRow * depth) / 8);
  const scale = 255 / (2 ** depth - 1);
  const out = new Uint8Array(perRow * height);
  for (let row = 0; row < height; row++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      const byte = data[row * bytesPerRow + (bit >>> 3)] ?? 0;
      const value = (byte >>> (8 - depth - (bit & 7))) & (2 ** depth - 1);
      out[row * perRow + i] = Math.round(value * scale);
    }
  }
  return out;
}
