/**
 * IEEE 754 half precision (F16) and bfloat16 (BF16) ↔ float32, bit-exact, round-to-nearest-even on the
 * way down (what numpy's `astype(np.float16)` and PyTorch's `.half()` / `.bfloat16()` do).
 */

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

let halfTable: Float32Array | undefined;

/** Every F16 bit pattern → float32, built on first use (256 KiB). */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) table[bits] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) table[bits] = mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
    else table[bits] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  halfTable = table;
  return table;
}

/**
 * Converts F16 bit patterns to float32 values (exact: every F16 value is a float32 value).
 *
 * @example
 * halfBitsToFloat32(new Uint16Array([0x3c00])); // Float32Array [1]
 */
export function halfBitsToFloat32(bits: Uint16Array): Float32Array {
  const table = halfToFloatTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** Rounds one float32 value to the nearest F16 bit pattern (ties to even; overflow → ±∞; NaN stays NaN). */
export function float32ToHalfBits(value: number): number {
  scratchFloat[0] = value;
  return halfFromFloatBits(scratchBits[0]!);
}

/** F16 bit pattern of the float32 with bit pattern `bits`. */
function halfFromFloatBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal F16 (or zero): value = significand · 2^-24 with significand = full >> shift, rounded.
    if (halfExponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    const rounded = roundShift(full, shift);
    return sign | rounded; // a carry into bit 10 is exactly the smallest normal F16
  }
  // A carry out of the mantissa increments the exponent, and from the largest finite value gives ∞.
  return (sign | (halfExponent << 10)) + roundShift(mantissa, 13);
}

/** `value >> shift`, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return remainder > half || (remainder === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** Rounds float32 values to F16 bit patterns (see {@link float32ToHalfBits}). */
export function float32ToHalfBitsArray(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfFromFloatBits(bits[i]!);
  return out;
}

/**
 * Converts BF16 bit patterns to float32 values (exact: BF16 is the upper half of a float32).
 *
 * @example
 * bfloat16BitsToFloat32(new Uint16Array([0x3f80])); // Float32Array [1]
 */
export function bfloat16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16;
  return new Float32Array(out.buffer);
}

/** Rounds one float32 value to the nearest BF16 bit pattern (ties to even; NaN stays a quiet NaN). */
export function float32ToBfloat16Bits(value: number): number {
  scratchFloat[0] = value;
  return bfloat16FromFloatBits(scratchBits[0]!);
}

/** BF16 bit pattern of the float32 with bit pattern `bits`. */
function bfloat16FromFloatBits(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) | 0x40) & 0xffff;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Rounds float32 values to BF16 bit patterns (see {@link float32ToBfloat16Bits}). */
export function float32ToBfloat16BitsArray(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = bfloat16FromFloatBits(bits[i]!);
  return out;
}
