/**
 * Counter-based random numbers (Philox4x32-10, Salmon et al. 2011, "Parallel random numbers: as easy as
 * 1, 2, 3"). A draw is a pure function of (seed, stream, step, sample index, element index), computed in
 * JavaScript and uploaded, so the noise of one image does not depend on the batch it is drawn in nor on
 * the tfjs backend.
 */
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { ValueError } from './errors.js';
import type { NoiseGeneratorLike } from './spec.js';
import { requireInteger } from './validate.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32. */
function mulhi(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const loLo = aLo * bLo;
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  const cross = (loLo >>> 16) + (hiLo & 0xffff) + (loHi & 0xffff);
  return (aHi * bHi + (hiLo >>> 16) + (loHi >>> 16) + (cross >>> 16)) >>> 0;
}

/**
 * Philox4x32-10 block: 4 uint32 of output for a 4×uint32 counter and 2×uint32 key.
 * Writes into `out` (length ≥ 4).
 */
export function philox4x32(counter: readonly number[], key: readonly [number, number], out: Uint32Array): void {
  let c0 = counter[0]! >>> 0;
  let c1 = counter[1]! >>> 0;
  let c2 = counter[2]! >>> 0;
  let c3 = counter[3]! >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** 32-bit FNV-1a of a string: names a stream ("noise", "timesteps", "dropout", …). */
function hashStream(stream: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const TWO_POW_32 = 4294967296;

/** Options of one draw. */
export interface DrawOptions {
  /** Shape [batch, ...]; the first axis indexes samples. */
  shape: readonly number[];
  /** The step (or any counter the caller advances): a different step gives independent numbers. */
  step: number;
  /** Index of the first sample of the batch (default 0): item b gets sample index firstSample + b. */
  firstSample?: number;
  /** Independent stream name (default "noise"). */
  stream?: string;
}

/**
 * A seeded, counter-based generator. Stateless: the caller names the step; `state` is just the seed.
 *
 * @example
 * const generator = new NoiseGenerator(42);
 * const noise = generator.normal({ shape: [4, 28, 28, 1], step: 0 }); // tf.Tensor, caller disposes
 * // Item 2 of this batch equals item 0 of:
 * generator.normal({ shape: [1, 28, 28, 1], step: 0, firstSample: 2 });
 */
export class NoiseGenerator implements NoiseGeneratorLike {
  readonly seed: number;
  private readonly block = new Uint32Array(4);

  constructor(seed: number) {
    this.seed = requireInteger('seed', seed, { min: 0, max: Number.MAX_SAFE_INTEGER });
  }

  private key(stream: string): [number, number] {
    const low = this.seed >>> 0;
    const high = Math.floor(this.seed / TWO_POW_32) >>> 0;
    return [low, (high ^ hashStream(stream)) >>> 0];
  }

  /** Fills `out` with uint32 draws for one sample; element i uses counter (i div 4, sample, step, 0). */
  private fillUint32(key: [number, number], sample: number, step: number, out: Uint32Array): void {
    const counter = [0, sample >>> 0, step >>> 0, Math.floor(step / TWO_POW_32) >>> 0];
    for (let i = 0; i < out.length; i += 4) {
      counter[0] = i / 4;
      philox4x32(counter, key, this.block);
      const n = Math.min(4, out.length - i);
      for (let j = 0; j < n; j++) out[i + j] = this.block[j]!;
    }
  }

  private validate(options: DrawOptions): { batch: number; perSample: number; firstSample: number; stream: string } {
    const shape = options.shape;
    if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ValueError({
        argument: 'shape',
        expected: 'a non-empty array of non-negative integers',
        received: shape,
      });
    }
    requireInteger('step', options.step, { min: 0 });
    const firstSample = requireInteger('firstSample', options.firstSample ?? 0, { min: 0 });
    const batch = shape[0]!;
    const perSample = shape.slice(1).reduce((a, b) => a * b, 1);
    return { batch, perSample, firstSample, stream: options.stream ?? 'noise' };
  }

  /** Uniform floats in [0, 1) as a Float32Array (row-major over `shape`). */
  uniformArray(options: DrawOptions): Float32Array {
    const { batch, perSample, firstSample, stream } = this.validate(options);
    const key = this.key(stream);
    const out = new Float32Array(batch * perSample);
    const bits = new Uint32Array(perSample);
    for (let b = 0; b < batch; b++) {
      this.fillUint32(key, firstSample + b, options.step, bits);
      for (let i = 0; i < perSample; i++) out[b * perSample + i] = Math.fround((bits[i]! >>> 8) / 16777216);
    }
    return out;
  }

  /** Standard normal floats (Box–Muller on pairs of uint32) as a Float32Array. */
  normalArray(options: DrawOptions): Float32Array {
    const { batch, perSample, firstSample, stream } = this.validate(options);
    const key = this.key(stream);
    const out = new Float32Array(batch * perSample);
    const pairs = perSample + (perSample % 2);
    const bits = new Uint32Array(pairs);
    for (let b = 0; b < batch; b++) {
      this.fillUint32(key, firstSample + b, options.step, bits);
      const base = b * perSample;
      for (let i = 0; i < perSample; i += 2) {
        const u1 = (bits[i]! + 1) / (TWO_POW_32 + 1); // (0, 1]
        const u2 = bits[i + 1]! / TWO_POW_32; // [0, 1)
        const radius = Math.sqrt(-2 * Math.log(u1));
        const angle = 2 * Math.PI * u2;
        out[base + i] = radius * Math.cos(angle);
        if (i + 1 < perSample) out[base + i + 1] = radius * Math.sin(angle);
      }
    }
    return out;
  }

  /**
   * Integers uniform in [low, high) per sample: shape [batch] or [batch, k]. Drawn from 24-bit uniforms,
   * so `high − low` is at most 2²⁴ (exactly uniform when it is a power of two, within 2⁻²⁴·span otherwise).
   */
  integerArray(options: DrawOptions & { low: number; high: number }): Int32Array {
    const low = requireInteger('low', options.low, { min: -(2 ** 31) });
    const high = requireInteger('high', options.high, { min: low + 1, max: Math.min(low + 2 ** 24, 2 ** 31) });
    const uniform = this.uniformArray({ ...options, stream: options.stream ?? 'integers' });
    const span = high - low;
    return Int32Array.from(uniform, (u) => Math.min(high - 1, low + Math.floor(u * span)));
  }

  /** Standard normal tensor (float32) of `shape`; the caller owns it. */
  normal(options: DrawOptions): Tensor {
    return tensor(this.normalArray(options), [...options.shape], 'float32');
  }

  /** Uniform [0, 1) tensor (float32) of `shape`; the caller owns it. */
  uniform(options: DrawOptions): Tensor {
    return tensor(this.uniformArray(options), [...options.shape], 'float32');
  }

  /** The generator's whole state (it is counter-based: the seed), for checkpoints. */
  get state(): { seed: number } {
    return { seed: this.seed };
  }
}
