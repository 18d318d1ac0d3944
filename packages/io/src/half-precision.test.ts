import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  float32ToBfloat16BitsArray,
  float32ToHalfBits,
  float32ToHalfBitsArray,
  halfBitsToFloat32,
} from './half-precision.js';

const reference = JSON.parse(readFileSync(new URL('../test/fixtures/half-rounding.json', import.meta.url), 'utf8')) as {
  float32_bits: number[];
  float16_bits: number[];
  bfloat16_bits: number[];
};
const values = new Float32Array(new Uint32Array(reference.float32_bits).buffer);

describe('half precision', () => {
  it('decodes every F16 bit pattern to its IEEE value and encodes it back unchanged', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = halfBitsToFloat32(all);
    expect(decoded[0x3c00]).toBe(1);
    expect(decoded[0xc000]).toBe(-2);
    expect(decoded[0x7bff]).toBe(65504);
    expect(decoded[0x0001]).toBe(2 ** -24);
    expect(decoded[0x0400]).toBe(2 ** -14);
    expect(decoded[0x7c00]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(decoded[0x8000], -0)).toBe(true);
    const encoded = float32ToHalfBitsArray(decoded);
    for (let bits = 0; bits < 65536; bits++) {
      const notANumber = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (notANumber) expect(Number.isNaN(decoded[bits])).toBe(true);
      else if (encoded[bits] !== bits)
        throw new Error(`F16 0x${bits.toString(16)} came back as 0x${encoded[bits]?.toString(16)}`);
    }
  });

  it('rounds float32 to F16 exactly as numpy does (ties to even, subnormals, overflow to ∞)', () => {
    const encoded = float32ToHalfBitsArray(values);
    const mismatches = [...encoded].flatMap((bits, i) =>
      bits === reference.float16_bits[i] ? [] : [`${values[i]} → 0x${bits.toString(16)}`],
    );
    expect(mismatches).toEqual([]);
    expect(float32ToHalfBits(Number.NaN) & 0x7e00).toBe(0x7e00);
  });

  it('decodes BF16 as the upper half of a float32 and rounds to it as PyTorch does', () => {
    expect([...bfloat16BitsToFloat32(new Uint16Array([0x3f80, 0xc040, 0x7f80, 0x0001]))]).toEqual([
      1,
      -3,
      Number.POSITIVE_INFINITY,
      2 ** -133,
    ]);
    const encoded = float32ToBfloat16BitsArray(values);
    const mismatches = [...encoded].flatMap((bits, i) =>
      bits === reference.bfloat16_bits[i] ? [] : [`${values[i]} → 0x${bits.toString(16)}`],
    );
    expect(mismatches).toEqual([]);
    const all = new Uint16Array(65536).map((_, i) => i);
    const roundTrip = float32ToBfloat16BitsArray(bfloat16BitsToFloat32(all));
    for (let bits = 0; bits < 65536; bits++) {
      const notANumber = (bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0;
      if (!notANumber && roundTrip[bits] !== bits) throw new Error(`BF16 0x${bits.toString(16)} did not round-trip`);
    }
  });
});
