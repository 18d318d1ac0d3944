import { describeBackends } from '@diffuse/backends/testing';
import { describe, expect, it } from 'vitest';
import { ValueError } from './errors.js';
import { NoiseGenerator, philox4x32 } from './rng.js';
import { expectNoTensorLeak } from './tensor.js';

describe('philox4x32', () => {
  it('matches the Random123 known-answer vectors', () => {
    const out = new Uint32Array(4);
    // Salmon et al. Random123 kat_vectors: philox4x32 10 rounds.
    philox4x32([0, 0, 0, 0], [0, 0], out);
    expect([...out].map((x) => x.toString(16).padStart(8, '0'))).toEqual([
      '6627e8d5',
      'e169c58d',
      'bc57ac4c',
      '9b00dbd8',
    ]);
    philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], out);
    expect([...out].map((x) => x.toString(16).padStart(8, '0'))).toEqual([
      '408f276d',
      '41c83b0e',
      'a20bc7c6',
      '6d5451fd',
    ]);
    philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], out);
    expect([...out].map((x) => x.toString(16).padStart(8, '0'))).toEqual([
      'd16cfe09',
      '94fdcceb',
      '5001e420',
      '24126ea1',
    ]);
  });
});

describe('NoiseGenerator (numbers)', () => {
  it('gives each sample the same noise whatever the batch', () => {
    const generator = new NoiseGenerator(7);
    const batch = generator.normalArray({ shape: [5, 3, 3, 2], step: 4 });
    const single = generator.normalArray({ shape: [1, 3, 3, 2], step: 4, firstSample: 3 });
    expect(Array.from(batch.slice(3 * 18, 4 * 18))).toEqual(Array.from(single));
  });

  it('is standard normal and independent across steps, seeds and streams', () => {
    const generator = new NoiseGenerator(123);
    const values = generator.normalArray({ shape: [4, 50_000], step: 0 });
    let mean = 0;
    let square = 0;
    for (const value of values) {
      mean += value;
      square += value * value;
    }
    mean /= values.length;
    const variance = square / values.length - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    const a = generator.normalArray({ shape: [1, 8], step: 1 });
    const b = generator.normalArray({ shape: [1, 8], step: 2 });
    const c = new NoiseGenerator(124).normalArray({ shape: [1, 8], step: 1 });
    const d = generator.normalArray({ shape: [1, 8], step: 1, stream: 'dropout' });
    for (const other of [b, c, d]) expect(Array.from(other)).not.toEqual(Array.from(a));
  });

  it('draws integers in range', () => {
    const values = new NoiseGenerator(1).integerArray({ shape: [10_000], step: 0, low: 0, high: 1000 });
    expect(Math.min(...values)).toBe(0);
    expect(Math.max(...values)).toBe(999);
    // 24-bit uniforms: a wider span could not reach every integer.
    expect(() => new NoiseGenerator(1).integerArray({ shape: [1], step: 0, low: 0, high: 2 ** 24 + 1 })).toThrow(
      /`high`: expected an integer in \[1, 16777216\]/,
    );
  });

  it('rejects bad arguments with typed errors', () => {
    expect(() => new NoiseGenerator(-1)).toThrow(ValueError);
    expect(() => new NoiseGenerator(1.5)).toThrow(/seed/);
    const generator = new NoiseGenerator(0);
    expect(() => generator.normalArray({ shape: [2, -1], step: 0 })).toThrow(/shape/);
    expect(() => generator.normalArray({ shape: [2], step: -1 })).toThrow(/step/);
  });
});

describeBackends('NoiseGenerator tensors', () => {
  it('gives the same numbers on every backend, without leaks', async () => {
    const generator = new NoiseGenerator(2024);
    const expected = generator.normalArray({ shape: [3, 4, 4, 2], step: 9 });
    await expectNoTensorLeak(async () => {
      const noise = generator.normal({ shape: [3, 4, 4, 2], step: 9 });
      const doubled = noise.mul(2);
      const values = await doubled.data();
      noise.dispose();
      doubled.dispose();
      expect(Array.from(values)).toEqual(Array.from(expected, (x) => Math.fround(x * 2)));
    });
  });
});
