/**
 * IDX, the MNIST / Fashion-MNIST file format (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
 * `0x00 0x00 <type> <rank>`, `rank` big-endian uint32 dimensions, then the values, big-endian, row-major.
 */
import { FormatError } from '@diffuse/core';

/** The typed array an IDX type code decodes to. */
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file. */
export interface IdxData {
  /** Dimensions, e.g. `[60000, 28, 28]` for MNIST training images. */
  dims: number[];
  /** Values in row-major order, in the file's type (a copy, independent of the input bytes). */
  data: IdxArray;
}

const TYPES: Record<number, { name: string; size: number }> = {
  8: { name: 'unsigned byte', size: 1 },
  9: { name: 'signed byte', size: 1 },
  11: { name: 'short (int16)', size: 2 },
  12: { name: 'int (int32)', size: 4 },
  13: { name: 'float (float32)', size: 4 },
  14: { name: 'double (float64)', size: 8 },
};

/**
 * Parses (uncompressed) IDX bytes. Throws a {@link FormatError} on a bad magic number, unknown type,
 * or a length that does not match the dimensions (truncated files and trailing bytes alike).
 * For `.gz` files use {@link decodeIdx}, or `readIdxFile` from `@diffuse/io/node`. `source` (a file name)
 * prefixes the argument named in errors.
 *
 * @example
 * const { dims, data } = parseIdx(bytes); // dims [60000, 28, 28], data Uint8Array
 */
export function parseIdx(bytes: Uint8Array, options: { source?: string } = {}): IdxData {
  const prefix = options.source ? `${options.source}: ` : '';
  if (!(bytes instanceof Uint8Array) || bytes.length < 4) {
    throw new FormatError({ argument: `${prefix}idx magic`, expected: 'at least 4 bytes', received: bytes });
  }
  const [zero0, zero1, code, rank] = bytes as unknown as [number, number, number, number];
  if (zero0 !== 0 || zero1 !== 0) {
    const hint = zero0 === 0x1f && zero1 === 0x8b ? 'This is gzip data: decompress it first (gunzip)' : undefined;
    throw new FormatError({
      argument: `${prefix}idx magic`,
      expected: 'two zero bytes, a type code and a rank',
      received: [...bytes.subarray(0, 4)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' '),
      ...(hint ? { hint } : {}),
    });
  }
  const type = TYPES[code];
  if (!type) {
    throw new FormatError({
      argument: `${prefix}idx type code`,
      expected: 'one of 0x08 (u8), 0x09 (i8), 0x0B (i16), 0x0C (i32), 0x0D (f32), 0x0E (f64)',
      received: `0x${code.toString(16)}`,
    });
  }
  const dataStart = 4 + 4 * rank;
  if (bytes.length < dataStart) {
    throw new FormatError({
      argument: `${prefix}idx dimensions`,
      expected: `${rank} dimension(s) (${dataStart} header bytes)`,
      received: `${bytes.length} bytes`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    count *= dim;
  }
  const expectedBytes = count * type.size;
  if (bytes.length - dataStart !== expectedBytes) {
    throw new FormatError({
      argument: `${prefix}idx data`,
      expected: `${expectedBytes} bytes for dims [${dims.join(', ')}] of ${type.name}`,
      received: `${bytes.length - dataStart} bytes`,
      hint: bytes.length - dataStart < expectedBytes ? 'The file is truncated' : 'The file has trailing bytes',
    });
  }
  return { dims, data: decodeValues(code, view, dataStart, count) };
}

function decodeValues(code: number, view: DataView, start: number, count: number): IdxArray {
  switch (code) {
    case 0x08:
      return new Uint8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count));
    case 0x09:
      return new Int8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count));
    case 0x0b:
      return fill(new Int16Array(count), (i) => view.getInt16(start + 2 * i, false));
    case 0x0c:
      return fill(new Int32Array(count), (i) => view.getInt32(start + 4 * i, false));
    case 0x0d:
      return fill(new Float32Array(count), (i) => view.getFloat32(start + 4 * i, false));
    default:
      return fill(new Float64Array(count), (i) => view.getFloat64(start + 8 * i, false));
  }
}

function fill<T extends Int16Array | Int32Array | Float32Array | Float64Array>(out: T, read: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = read(i);
  return out;
}

/** True when `bytes` start with the gzip magic number (0x1f 0x8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Default largest output of {@link gunzip} (1 GiB). */
export const GUNZIP_MAX_BYTES = 2 ** 30;

/**
 * Decompresses gzip bytes with the web-standard `DecompressionStream` (browsers, Node ≥ 18). Output larger
 * than `maxBytes` (a decompression bomb) or corrupt input is a {@link FormatError}.
 *
 * @example
 * const idx = parseIdx(await gunzip(new Uint8Array(await (await fetch(url)).arrayBuffer())));
 */
export async function gunzip(bytes: Uint8Array, options: { maxBytes?: number } = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? GUNZIP_MAX_BYTES;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new FormatError({
          argument: 'gzip data',
          expected: `at most ${maxBytes} decompressed bytes (options.maxBytes)`,
          received: `more than ${maxBytes}`,
        });
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (FormatError.isInstance(cause)) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError({ argument: 'gzip data', expected: 'valid gzip data', received: reason, cause });
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Parses IDX bytes that may be gzip-compressed (detected from the magic number), in any environment.
 *
 * @example
 * const labels = await decodeIdx(new Uint8Array(await (await fetch('train-labels-idx1-ubyte.gz')).arrayBuffer()));
 */
export async function decodeIdx(bytes: Uint8Array, options: { maxBytes?: number } = {}): Promise<IdxData> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, options) : bytes);
}
