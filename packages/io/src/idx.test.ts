import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { FormatError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { decodeIdx, gunzip, parseIdx } from './idx.js';

type Setter = (view: DataView, offset: number, value: number) => void;
const setU8: Setter = (view, offset, value) => view.setUint8(offset, value);

/** IDX bytes: magic, big-endian dims, then `values` (`size` bytes each) written by `set`. */
function idx(code: number, dims: number[], size: number, values: number[] = [], set: Setter = setU8): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * dims.length + count * size);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, code, dims.length]);
  for (const [i, dim] of dims.entries()) view.setUint32(4 + 4 * i, dim, false);
  for (const [i, value] of values.entries()) set(view, 4 + 4 * dims.length + i * size, value);
  return bytes;
}

describe('parseIdx', () => {
  it('parses every IDX type, big-endian', () => {
    const u8 = parseIdx(idx(0x08, [2, 3], 1, [0, 1, 2, 253, 254, 255]));
    expect(u8.dims).toEqual([2, 3]);
    expect(u8.data).toBeInstanceOf(Uint8Array);
    expect([...u8.data]).toEqual([0, 1, 2, 253, 254, 255]);
    const i8 = parseIdx(idx(0x09, [2], 1, [-128, 127], (v, o, x) => v.setInt8(o, x)));
    expect(i8.data).toEqual(new Int8Array([-128, 127]));
    const i16 = parseIdx(idx(0x0b, [2], 2, [-300, 0x1234], (v, o, x) => v.setInt16(o, x, false)));
    expect(i16.data).toEqual(new Int16Array([-300, 0x1234]));
    const i32 = parseIdx(idx(0x0c, [1], 4, [-123456789], (v, o, x) => v.setInt32(o, x, false)));
    expect(i32.data).toEqual(new Int32Array([-123456789]));
    const f32 = parseIdx(idx(0x0d, [1, 1], 4, [-1.5], (v, o, x) => v.setFloat32(o, x, false)));
    expect(f32.data).toEqual(new Float32Array([-1.5]));
    const f64 = parseIdx(idx(0x0e, [1], 8, [Math.PI], (v, o, x) => v.setFloat64(o, x, false)));
    expect(f64.data).toEqual(new Float64Array([Math.PI]));
  });

  it('refuses bad magic, unknown types, truncation and trailing bytes', () => {
    const good = idx(0x08, [2, 2], 1);
    expect(() => parseIdx(good.subarray(0, 3))).toThrow(FormatError);
    expect(() => parseIdx(Uint8Array.from([1, ...good.subarray(1)]))).toThrow(/idx magic/);
    expect(() => parseIdx(Uint8Array.from(gzipSync(good)))).toThrow(/gzip/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x0a, ...good.subarray(3)]))).toThrow(/idx type code.*0xa/);
    expect(() => parseIdx(good.subarray(0, good.length - 1))).toThrow(/4 bytes.*3 bytes.*truncated/);
    expect(() => parseIdx(Uint8Array.from([...good, 0]))).toThrow(/trailing/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]))).toThrow(/3 dimension/);
    // Huge dims: refused from the length check, no allocation.
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 2, 255, 255, 255, 255, 255, 255, 255, 255, 1]))).toThrow(
      FormatError,
    );
  });

  it('gunzips in any environment (DecompressionStream) and bounds the output', async () => {
    const plain = idx(0x08, [3], 1, [7, 8, 9]);
    const compressed = Uint8Array.from(gzipSync(plain));
    expect([...(await decodeIdx(compressed)).data]).toEqual([7, 8, 9]);
    expect([...(await decodeIdx(plain)).data]).toEqual([7, 8, 9]);
    await expect(gunzip(Uint8Array.from(gzipSync(new Uint8Array(100_000))), { maxBytes: 1000 })).rejects.toThrow(
      /at most 1000 decompressed bytes/,
    );
    await expect(gunzip(compressed.subarray(0, 12))).rejects.toSatisfy(FormatError.isInstance);
  });
});

const fashionMnist = '/usr/share/datasets/fashion-mnist';
describe.skipIf(!existsSync(`${fashionMnist}/train-labels-idx1-ubyte.gz`))('Fashion-MNIST (system dataset)', () => {
  it('decodes the gzip training labels (browser path): 60000 labels in 0..9, 6000 of each', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = new Uint8Array(await readFile(`${fashionMnist}/train-labels-idx1-ubyte.gz`));
    const { dims, data } = await decodeIdx(bytes);
    expect(dims).toEqual([60000]);
    const counts = new Array(10).fill(0);
    for (const label of data) counts[label]++;
    expect(counts).toEqual(new Array(10).fill(6000));
  });
});
