import { FormatError } from '@diffuse/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from './read-safetensors.js';
import { writeSafetensors } from './write-safetensors.js';

const encoder = new TextEncoder();

/** A safetensors file from a raw header (object or text) and data bytes; `declaredLength` overrides N. */
function build(header: unknown, data: ArrayLike<number> = [], declaredLength?: bigint): Uint8Array {
  const json = encoder.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectFormatError(bytes: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    readSafetensors(bytes);
  } catch (error) {
    caught = error;
  }
  expect(FormatError.isInstance(caught), `expected a FormatError, got ${String(caught)}`).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

describe('readSafetensors', () => {
  it('reads every supported dtype as float32 values', () => {
    const parts: [string, string, number[], ArrayBuffer][] = [
      ['f64', 'F64', [2], new Float64Array([1.25, -1e300]).buffer],
      ['f32', 'F32', [1], new Float32Array([-7.5]).buffer],
      ['f16', 'F16', [2], new Uint16Array([0x3c00, 0xc500]).buffer],
      ['bf16', 'BF16', [1], new Uint16Array([0x4049]).buffer],
      ['i64', 'I64', [2], new BigInt64Array([-3n, 2n ** 40n]).buffer],
      ['i32', 'I32', [1], new Int32Array([-123456]).buffer],
      ['i16', 'I16', [1], new Int16Array([-300]).buffer],
      ['i8', 'I8', [2], new Int8Array([-128, 127]).buffer],
      ['u8', 'U8', [2], new Uint8Array([0, 255]).buffer],
      ['bool', 'BOOL', [3], new Uint8Array([0, 1, 7]).buffer],
    ];
    const header: Record<string, unknown> = { __metadata__: { format: 'np' } };
    const chunks: number[] = [];
    for (const [name, dtype, shape, buffer] of parts) {
      header[name] = { dtype, shape, data_offsets: [chunks.length, chunks.length + buffer.byteLength] };
      chunks.push(...new Uint8Array(buffer));
    }
    const file = readSafetensors(build(header, chunks));
    const read = (name: string) => [...(file.tensors.get(name)?.data ?? [])];
    expect(file.metadata).toEqual({ format: 'np' });
    expect(read('f64')).toEqual([1.25, Number.NEGATIVE_INFINITY]);
    expect(read('f32')).toEqual([-7.5]);
    expect(read('f16')).toEqual([1, -5]);
    expect(read('bf16')).toEqual([3.140625]);
    expect(read('i64')).toEqual([-3, 2 ** 40]);
    expect(read('i32')).toEqual([-123456]);
    expect(read('i16')).toEqual([-300]);
    expect(read('i8')).toEqual([-128, 127]);
    expect(read('u8')).toEqual([0, 255]);
    expect(read('bool')).toEqual([0, 1, 1]);
    expect(file.tensors.get('i64')?.dtype).toBe('I64');
  });

  it('reads from a Uint8Array at an odd offset inside a larger buffer (unaligned data)', () => {
    const bytes = writeSafetensors({ tensors: { x: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } } });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 1);
    expect([...(readSafetensors(big.subarray(1, 1 + bytes.length)).tensors.get('x')?.data ?? [])]).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it('accepts padding after the JSON, `__metadata__: null`, unknown keys inside an entry, and no tensors', () => {
    const data = new Uint8Array(new Float32Array([2]).buffer);
    expect(readSafetensors(build('{"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}    ', data)).tensors.size).toBe(
      1,
    );
    expect(readSafetensors(build({ __metadata__: null, x: { ...f32([1], 0, 4), extra: 1 } }, data)).metadata).toEqual(
      {},
    );
    expect(readSafetensors(build({})).tensors.size).toBe(0);
    const proto = readSafetensors(build('{"__metadata__":{"__proto__":"kept"}}')).metadata;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(proto.__proto__).toBe('kept');
  });

  describe('refuses malformed files with a FormatError naming the field', () => {
    const four = [0, 0, 128, 63];
    const cases: [string, Uint8Array, RegExp][] = [
      ['an empty file', new Uint8Array(0), /header length.*at least 8 bytes/],
      ['a file shorter than 8 bytes', new Uint8Array([1, 0, 0]), /at least 8 bytes/],
      ['a header length beyond the file', build({ x: f32([1], 0, 4) }, four, 1000n), /header length.*at most 58.*1000/],
      ['a header length of 2^64 − 1', build({}, [], 2n ** 64n - 1n), /header length/],
      ['a header length above 100 MB', build({}, [], 100_000_001n), /header length/],
      ['a truncated file', build({ x: f32([2], 0, 8) }, four), /"x".data_offsets.*inside the 4 data byte/],
      ['a header that is not JSON', build('{"x": [1, 2', four), /header.*valid JSON/],
      ['a header not starting with {', build(' {}'), /starting with "\{"/],
      ['a header that is an array', build('[]'), /starting with "\{"/],
      [
        'invalid UTF-8 in the header',
        build(new TextDecoder('latin1').decode(new Uint8Array([123, 0xff, 125]))),
        /header/,
      ],
      ['an entry that is not an object', build({ x: 5 }), /tensor "x".*object \{ dtype, shape, data_offsets \}/],
      ['an unknown dtype', build({ x: { ...f32([1], 0, 4), dtype: 'F8_E4M3' } }, four), /"x".dtype.*F8_E4M3/],
      ['a missing dtype', build({ x: { shape: [1], data_offsets: [0, 4] } }, four), /"x".dtype/],
      ['a negative dimension', build({ x: f32([-1], 0, 4) }, four), /"x".shape.*non-negative integers/],
      ['a fractional dimension', build({ x: f32([1.5], 0, 4) }, four), /"x".shape/],
      ['a shape that is not an array', build({ x: { ...f32([], 0, 4), shape: '1' } }, four), /"x".shape/],
      ['offsets out of order', build({ x: f32([0], 4, 0) }, four), /"x".data_offsets.*begin ≤ end/],
      [
        'offsets that are not numbers',
        build({ x: { ...f32([1], 0, 4), data_offsets: ['0', '4'] } }, four),
        /"x".data_offsets/,
      ],
      ['three offsets', build({ x: { ...f32([1], 0, 4), data_offsets: [0, 4, 8] } }, four), /"x".data_offsets/],
      [
        'offsets inconsistent with dtype × shape',
        build({ x: f32([2], 0, 4) }, four),
        /"x".data_offsets.*shape \[2\] of F32/,
      ],
      [
        'a shape whose element count overflows',
        build({ x: f32([2 ** 40, 2 ** 40, 2 ** 40], 0, 4) }, four),
        /"x".data_offsets/,
      ],
      [
        'overlapping tensors',
        build({ a: f32([1], 0, 4), b: f32([1], 0, 4) }, four),
        /"b".data_offsets.*overlap tensor "a"/,
      ],
      [
        'a hole between tensors',
        build({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, [...four, ...four, ...four]),
        /"b".*begin at byte 4.*\[4, 8\)/,
      ],
      ['data not starting at 0', build({ a: f32([1], 4, 8) }, [...four, ...four]), /"a".*begin at byte 0/],
      ['trailing bytes after the last tensor', build({ a: f32([1], 0, 4) }, [...four, 1, 2]), /2 trailing byte/],
      ['metadata that is not an object', build({ __metadata__: ['a'] }), /__metadata__.*object of string values/],
      [
        'a metadata value that is not a string',
        build({ __metadata__: { epoch: 3 } }),
        /__metadata__.epoch.*a string.*3/,
      ],
    ];
    for (const [what, bytes, message] of cases) {
      it(what, () => expectFormatError(bytes, message));
    }
  });

  it('fuzz: random valid files round-trip exactly', () => {
    const tensor = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        data: fc.float32Array({
          minLength: shape.reduce((a, b) => a * b, 1),
          maxLength: shape.reduce((a, b) => a * b, 1),
        }),
      }),
    );
    const file = fc.record({
      tensors: fc.dictionary(
        fc.string({ unit: 'grapheme', minLength: 0, maxLength: 12 }).filter((name) => name !== '__metadata__'),
        tensor,
        { maxKeys: 6 },
      ),
      metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 16 }), {
        maxKeys: 3,
      }),
    });
    fc.assert(
      fc.property(file, ({ tensors, metadata }) => {
        const read = readSafetensors(writeSafetensors({ tensors, metadata }));
        expect(read.metadata).toEqual(metadata);
        expect(read.tensors.size).toBe(Object.keys(tensors).length);
        for (const [name, { shape, data }] of Object.entries(tensors)) {
          const got = read.tensors.get(name);
          expect(got?.shape).toEqual(shape);
          expect(new Uint8Array(got?.data.buffer ?? new ArrayBuffer(0))).toEqual(new Uint8Array(data.buffer));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fuzz: mutated or truncated valid files parse or throw a FormatError, nothing else', () => {
    const seed = writeSafetensors({
      tensors: {
        a: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
        bb: { shape: [], data: new Float32Array([7]) },
        c: { shape: [0, 2], data: new Float32Array(0) },
      },
      metadata: { format: 'pt' },
    });
    const half = writeSafetensors({ tensors: { h: { shape: [3], data: new Float32Array([1, 2, 3]) } }, dtype: 'F16' });
    const mutation = fc.record({
      base: fc.constantFrom(seed, half),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      truncate: fc.option(fc.nat(), { nil: undefined }),
      append: fc.uint8Array({ maxLength: 8 }),
    });
    let parsed = 0;
    fc.assert(
      fc.property(mutation, ({ base, edits, truncate, append }) => {
        let bytes: Uint8Array = Uint8Array.from(base);
        for (const [position, value] of edits) bytes[position % bytes.length] = value;
        if (truncate !== undefined) bytes = bytes.subarray(0, truncate % (bytes.length + 1));
        if (append.length > 0) bytes = Uint8Array.from([...bytes, ...append]);
        try {
          const file = readSafetensors(bytes);
          parsed++;
          for (const tensor of file.tensors.values()) {
            expect(tensor.data.length).toBe(tensor.shape.reduce((a, b) => a * b, 1));
          }
        } catch (error) {
          if (!FormatError.isInstance(error)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
    expect(parsed).toBeGreaterThan(0);
  });

  it('fuzz: header edits inside the JSON (digits, brackets) never escape as another error', () => {
    const seed = writeSafetensors({ tensors: { x: { shape: [2, 2], data: new Float32Array(4) } } });
    const length = Number(new DataView(seed.buffer).getBigUint64(0, true));
    const headerEdit = fc.array(
      fc.tuple(
        fc.integer({ min: 8, max: 8 + length - 1 }),
        fc.constantFrom(...encoder.encode('0123456789-.e[]{}",: ')),
      ),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(headerEdit, (edits) => {
        const bytes = Uint8Array.from(seed);
        for (const [position, value] of edits) bytes[position] = value;
        try {
          readSafetensors(bytes);
        } catch (error) {
          if (!FormatError.isInstance(error)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
