/**
 * Test support for the wasm kernels: run the same computation on cpu and on wasm and compare.
 * Used by `src/wasm/*.test.ts` only (not exported from the package).
 */
import { NoiseGenerator } from '@diffuse/core';
import { setBackend, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { initBackend } from '../../init-backend.js';

/** Starts cpu and wasm (with @diffuse's kernels) once; call in `beforeAll`. */
export async function startCpuAndWasm(): Promise<void> {
  await initBackend({ prefer: 'cpu', env: {} });
  await initBackend({ prefer: 'wasm', env: {} });
}

/** Runs `compute` with `backend` active and returns the values of every tensor it returns. */
export async function valuesOn(backend: 'cpu' | 'wasm', compute: () => Tensor | Tensor[]): Promise<Float32Array[]> {
  await setBackend(backend);
  const result = compute();
  const list = Array.isArray(result) ? result : [result];
  const values: Float32Array[] = [];
  for (const item of list) {
    values.push((await item.data()) as Float32Array);
    item.dispose();
  }
  return values;
}

/** Standard-normal test data, the same on every backend (counter-based RNG). */
export function normalTensor(shape: number[], seed: number, stream = 'data'): Tensor {
  return tensor(new NoiseGenerator(seed).normalArray({ shape, step: 0, stream }), shape);
}

/** Largest |actual − expected| / max(1, |expected|) over all elements (Infinity on a length mismatch). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const error = Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (!(error <= worst)) worst = Number.isNaN(error) ? Number.POSITIVE_INFINITY : Math.max(worst, error);
  }
  return worst;
}
