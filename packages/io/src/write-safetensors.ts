/**
 * safetensors writer: deterministic bytes, laid out as the reference implementation (and so the Python
 * library) writes them — `__metadata__` first, tensors sorted by name (UTF-8 byte order), data in the
 * same order, compact JSON header padded with spaces so that the data starts on an 8-byte boundary.
 */
import { ShapeError, ValueError } from '@diffuse/core';
import { float32ToBfloat16BitsArray, float32ToHalfBitsArray } from './half-precision.js';

/** A named float32 array to write: row-major `data` of `shape`. */
export interface SafetensorsTensorInput {
  shape: readonly number[];
  data: Float32Array;
}

/** Options of {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** Tensors by name (a Map or a plain object). */
  tensors: Map<string, SafetensorsTensorInput> | Record<string, SafetensorsTensorInput>;
  /** `__metadata__` strings, e.g. `{ format: 'pt' }`. Omitted from the file when empty. */
  metadata?: Record<string, string>;
  /**
   * Stored dtype, default `F32` (exact). `F16` and `BF16` round to nearest, ties to even (values beyond
   * F16's range become ±∞, as numpy and PyTorch do).
   */
  dtype?: 'F32' | 'F16' | 'BF16';
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const encoder = new TextEncoder();

/**
 * Serialises float32 arrays as a safetensors file (bytes out), in Node or the browser.
 *
 * @example
 * const bytes = writeSafetensors({
 *   tensors: { 'conv_in.bias': { shape: [2], data: new Float32Array([0.5, -1]) } },
 *   metadata: { format: 'pt' },
 * });
 */
export function writeSafetensors(options: WriteSafetensorsOptions): Uint8Array {
  const dtype = options.dtype ?? 'F32';
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') {
    throw new ValueError({ argument: 'dtype', expected: '"F32", "F16" or "BF16"', received: dtype });
  }
  const size = dtype === 'F32' ? 4 : 2;
  const entries = options.tensors instanceof Map ? [...options.tensors] : Object.entries(options.tensors);
  const sorted = entries
    .map(([name, tensor]) => ({ name, key: encoder.encode(checkName(name)), tensor: checkTensor(name, tensor) }))
    .sort((a, b) => compareBytes(a.key, b.key));

  // The header is assembled by hand: a JS object would move integer-like keys ("0", "10") first.
  const parts: string[] = [];
  const metadata = checkMetadata(options.metadata);
  if (metadata.length > 0) {
    const fields = metadata.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
    parts.push(`"__metadata__":{${fields.join(',')}}`);
  }
  let offset = 0;
  for (const { name, tensor } of sorted) {
    const bytes = tensor.data.length * size;
    const info = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + bytes] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset += bytes;
  }
  const json = encoder.encode(`{${parts.join(',')}}`);
  const padding = (8 - (json.length % 8)) % 8;
  const headerLength = json.length + padding;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);

  let position = 8 + headerLength;
  for (const { tensor } of sorted) {
    const encoded = dtype === 'F32' ? tensor.data : encodeHalf(dtype, tensor.data);
    if (littleEndianHost) {
      out.set(new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength), position);
    } else if (encoded instanceof Float32Array) {
      for (let i = 0; i < encoded.length; i++) view.setFloat32(position + i * 4, encoded[i]!, true);
    } else {
      for (let i = 0; i < encoded.length; i++) view.setUint16(position + i * 2, encoded[i]!, true);
    }
    position += encoded.byteLength;
  }
  return out;
}

function encodeHalf(dtype: 'F16' | 'BF16', data: Float32Array): Uint16Array {
  return dtype === 'F16' ? float32ToHalfBitsArray(data) : float32ToBfloat16BitsArray(data);
}

function checkTensor(name: string, tensor: SafetensorsTensorInput): SafetensorsTensorInput {
  const argument = `tensors["${name}"]`;
  if (typeof tensor !== 'object' || tensor === null) {
    throw new ValueError({ argument, expected: 'an object { shape, data }', received: tensor });
  }
  if (!(tensor.data instanceof Float32Array)) {
    throw new ValueError({ argument: `${argument}.data`, expected: 'a Float32Array', received: tensor.data });
  }
  const { shape } = tensor;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError({
      argument: `${argument}.shape`,
      expected: 'an array of non-negative integers',
      received: shape,
    });
  }
  const elements = shape.reduce((product: number, d: number) => product * d, 1);
  if (elements !== tensor.data.length) {
    throw new ShapeError({
      argument: `${argument}.data`,
      expected: `${elements} value(s) for shape [${shape.join(', ')}]`,
      received: `${tensor.data.length} value(s)`,
    });
  }
  return tensor;
}

function checkName(name: string): string {
  if (name === '__metadata__') {
    throw new ValueError({
      argument: 'tensors',
      expected: 'no tensor named "__metadata__" (reserved)',
      received: name,
    });
  }
  if (loneSurrogate.test(name)) {
    throw new ValueError({ argument: 'tensors', expected: 'names that are well-formed Unicode', received: name });
  }
  return name;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Metadata entries sorted by key (UTF-8 byte order), checked to be strings. */
function checkMetadata(metadata: Record<string, string> | undefined): [string, string][] {
  if (metadata === undefined) return [];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new ValueError({ argument: 'metadata', expected: 'an object of string values', received: metadata });
  }
  const entries = Object.entries(metadata);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') {
      throw new ValueError({ argument: `metadata.${key}`, expected: 'a string', received: value });
    }
    if (loneSurrogate.test(key) || loneSurrogate.test(value)) {
      throw new ValueError({ argument: `metadata.${key}`, expected: 'well-formed Unicode', received: value });
    }
  }
  return entries.sort(([a], [b]) => compareBytes(encoder.encode(a), encoder.encode(b)));
}

/** Lexicographic comparison of UTF-8 bytes (Rust's `String` order). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
