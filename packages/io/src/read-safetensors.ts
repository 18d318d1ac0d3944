/**
 * safetensors reader (https://github.com/huggingface/safetensors, "Format"): an 8-byte little-endian
 * header length N, N bytes of UTF-8 JSON, then the tensor data. Every value comes back as float32.
 *
 * What is accepted mirrors the reference (Rust) implementation, which the Python library uses:
 * - N ≤ 100,000,000 and N ≤ file size − 8; the header is valid UTF-8, starts with `{`, may be padded with
 *   trailing spaces, and parses as a JSON object;
 * - each entry other than `__metadata__` is `{ dtype, shape, data_offsets }` (other keys are ignored, as
 *   the reference does); `dtype` is one of {@link SafetensorsDtype}; `shape` lists non-negative integers;
 *   `data_offsets` is `[begin, end]`, relative to the start of the data, with `end − begin` equal to
 *   elements × dtype size;
 * - the tensors tile the data exactly: sorted by offset, each begins where the previous one ends, the
 *   first at 0 and the last at the end of the file. Overlaps, holes and trailing bytes are refused;
 * - `__metadata__`, when present (and not `null`), is an object of string → string.
 * Anything else is a {@link FormatError} naming the tensor and field. Nothing is read outside `bytes`,
 * and the work and memory are bounded by the file's size.
 */
import { FormatError } from '@diffuse/core';
import { bfloat16BitsToFloat32, halfBitsToFloat32 } from './half-precision.js';

/** The safetensors dtypes this package reads. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** One tensor of a safetensors file: its stored dtype and shape, and its values as float32. */
export interface SafetensorsTensor {
  /** The dtype stored in the file (the values are converted to float32). */
  dtype: SafetensorsDtype;
  /** Row-major shape, `[]` for a scalar. */
  shape: number[];
  /** Values in row-major order (a copy, independent of the input bytes). */
  data: Float32Array;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** Tensors by name, in the order of their data in the file. */
  tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` strings (empty when absent). */
  metadata: Record<string, string>;
}

/** Largest header the reference implementation accepts (bytes). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of each dtype. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

const DTYPES = Object.keys(SAFETENSORS_DTYPE_BYTES) as SafetensorsDtype[];
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses a safetensors file (bytes in, float32 arrays out), in Node or the browser.
 * Throws a {@link FormatError} naming the tensor and field for any malformed or hostile input.
 *
 * @example
 * const { tensors, metadata } = readSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * const weight = tensors.get('conv_in.weight'); // { dtype: 'F32', shape: [32, 3, 3, 3], data: Float32Array }
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) {
    throw new FormatError({ argument: 'bytes', expected: 'a Uint8Array', received: bytes });
  }
  if (bytes.length < 8) {
    throw new FormatError({
      argument: 'safetensors header length',
      expected: 'a file of at least 8 bytes (the little-endian u64 header length)',
      received: `${bytes.length} byte(s)`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  const limit = Math.min(SAFETENSORS_MAX_HEADER_BYTES, bytes.length - 8);
  if (headerLength > limit) {
    throw new FormatError({
      argument: 'safetensors header length',
      expected: `at most ${limit} bytes (≤ ${SAFETENSORS_MAX_HEADER_BYTES} and ≤ file size − 8 = ${bytes.length - 8})`,
      received: headerLength,
      hint: 'The file is truncated or not a safetensors file',
    });
  }
  const entries = parseHeader(bytes.subarray(8, 8 + headerLength));
  const dataStart = 8 + headerLength;
  checkLayout(entries.tensors, bytes.length - dataStart);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of entries.tensors) {
    const data = decode(entry.dtype, bytes, dataStart + entry.begin, dataStart + entry.end);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data });
  }
  return { tensors, metadata: entries.metadata };
}

function parseHeader(headerBytes: Uint8Array): { tensors: Entry[]; metadata: Record<string, string> } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch (cause) {
    throw new FormatError({
      argument: 'safetensors header',
      expected: 'valid UTF-8 JSON',
      received: 'invalid UTF-8',
      cause,
    });
  }
  if (!text.startsWith('{')) {
    throw new FormatError({
      argument: 'safetensors header',
      expected: 'JSON starting with "{"',
      received: text.slice(0, 40),
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError({ argument: 'safetensors header', expected: 'valid JSON', received: reason, cause });
  }
  if (!isPlainObject(json)) {
    throw new FormatError({ argument: 'safetensors header', expected: 'a JSON object', received: json });
  }
  let metadata: Record<string, string> = {};
  const tensors: Entry[] = [];
  for (const [name, info] of Object.entries(json)) {
    if (name === '__metadata__') metadata = parseMetadata(info);
    else tensors.push(parseEntry(name, info));
  }
  return { tensors, metadata };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === null) return {};
  if (!isPlainObject(value)) {
    throw new FormatError({
      argument: 'safetensors __metadata__',
      expected: 'an object of string values',
      received: value,
    });
  }
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new FormatError({ argument: `safetensors __metadata__.${key}`, expected: 'a string', received: item });
    }
    // defineProperty: a key named "__proto__" stays an ordinary entry.
    Object.defineProperty(metadata, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return metadata;
}

function parseEntry(name: string, info: unknown): Entry {
  const where = `safetensors tensor "${name}"`;
  if (!isPlainObject(info)) {
    throw new FormatError({ argument: where, expected: 'an object { dtype, shape, data_offsets }', received: info });
  }
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string' || !(DTYPES as string[]).includes(dtype)) {
    throw new FormatError({ argument: `${where}.dtype`, expected: `one of ${DTYPES.join(', ')}`, received: dtype });
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FormatError({
      argument: `${where}.shape`,
      expected: 'an array of non-negative integers',
      received: shape,
    });
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw new FormatError({
      argument: `${where}.data_offsets`,
      expected: 'two non-negative integers [begin, end] with begin ≤ end',
      received: offsets,
    });
  }
  const begin = offsets[0] as number;
  const end = offsets[1] as number;
  const size = SAFETENSORS_DTYPE_BYTES[dtype as SafetensorsDtype];
  // Element count, stopped as soon as it exceeds what the offsets can hold (no overflow, no huge numbers).
  const available = (end - begin) / size;
  let elements = shape.includes(0) ? 0 : 1;
  for (const dimension of shape as number[]) {
    if (elements === 0) break;
    elements *= dimension;
    if (elements > available) break;
  }
  if (elements !== available) {
    throw new FormatError({
      argument: `${where}.data_offsets`,
      expected: `${end - begin} bytes to hold shape [${shape.join(', ')}] of ${dtype} (${size} byte(s) per element)`,
      received: offsets,
      hint: `The shape needs ${elements > available ? `more than ${Math.floor(available)}` : elements} element(s)`,
    });
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

/** Sorted by offset, the tensors must tile `[0, dataLength)` exactly. Sorts `entries` in place. */
function checkLayout(entries: Entry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  let previous: Entry | undefined;
  for (const entry of entries) {
    if (entry.begin < position) {
      throw new FormatError({
        argument: `safetensors tensor "${entry.name}".data_offsets`,
        expected: `a byte range that does not overlap tensor "${previous?.name}" [${previous?.begin}, ${previous?.end})`,
        received: [entry.begin, entry.end],
      });
    }
    if (entry.begin > position) {
      throw new FormatError({
        argument: `safetensors tensor "${entry.name}".data_offsets`,
        expected: `to begin at byte ${position}, where ${previous ? `tensor "${previous.name}" ends` : 'the data begins'}`,
        received: [entry.begin, entry.end],
        hint: `Bytes [${position}, ${entry.begin}) of the data belong to no tensor`,
      });
    }
    if (entry.end > dataLength) {
      throw new FormatError({
        argument: `safetensors tensor "${entry.name}".data_offsets`,
        expected: `a range inside the ${dataLength} data byte(s) after the header`,
        received: [entry.begin, entry.end],
        hint: 'The file is truncated',
      });
    }
    position = entry.end;
    previous = entry;
  }
  if (position !== dataLength) {
    throw new FormatError({
      argument: 'safetensors data',
      expected: `${position} byte(s) after the header, exactly what the tensors use`,
      received: `${dataLength} byte(s)`,
      hint: `${dataLength - position} trailing byte(s) belong to no tensor`,
    });
  }
}

/** Decodes little-endian `bytes[begin, end)` of `dtype` into a new Float32Array. */
function decode(dtype: SafetensorsDtype, bytes: Uint8Array, begin: number, end: number): Float32Array {
  const size = SAFETENSORS_DTYPE_BYTES[dtype];
  const count = (end - begin) / size;
  const absolute = bytes.byteOffset + begin;
  // Copy into an aligned buffer first, so typed-array views are always legal.
  // (`subarray` + `set`, not `slice`: a Node Buffer's `slice` is a view.)
  let buffer: ArrayBuffer | undefined;
  if (littleEndianHost) {
    const aligned = new Uint8Array(end - begin);
    aligned.set(bytes.subarray(begin, end));
    buffer = aligned.buffer;
  }
  const view = new DataView(bytes.buffer, absolute, end - begin);
  switch (dtype) {
    case 'F32':
      return buffer ? new Float32Array(buffer, 0, count) : mapView(count, (i) => view.getFloat32(i * 4, true));
    case 'F64':
      return buffer
        ? Float32Array.from(new Float64Array(buffer, 0, count))
        : mapView(count, (i) => view.getFloat64(i * 8, true));
    case 'F16':
      return halfBitsToFloat32(buffer ? new Uint16Array(buffer, 0, count) : readUint16(view, count));
    case 'BF16':
      return bfloat16BitsToFloat32(buffer ? new Uint16Array(buffer, 0, count) : readUint16(view, count));
    case 'I64':
      return mapView(count, (i) => Number(view.getBigInt64(i * 8, true)));
    case 'I32':
      return buffer
        ? Float32Array.from(new Int32Array(buffer, 0, count))
        : mapView(count, (i) => view.getInt32(i * 4, true));
    case 'I16':
      return buffer
        ? Float32Array.from(new Int16Array(buffer, 0, count))
        : mapView(count, (i) => view.getInt16(i * 2, true));
    case 'I8':
      return Float32Array.from(new Int8Array(bytes.buffer, absolute, count));
    case 'U8':
      return Float32Array.from(bytes.subarray(begin, end));
    case 'BOOL':
      return Float32Array.from(bytes.subarray(begin, end), (b) => (b === 0 ? 0 : 1));
  }
}

function mapView(count: number, read: (index: number) => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

function readUint16(view: DataView, count: number): Uint16Array {
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
