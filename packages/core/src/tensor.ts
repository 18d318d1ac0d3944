/**
 * Tensor helpers for the ownership rules: a function never disposes its inputs and returns new tensors
 * owned by the caller; synchronous math at a public boundary runs inside `tidy`.
 */
import { memory, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { ShapeError, StateError } from './errors.js';

/**
 * Runs `body` and fails if it leaves more live tensors than it started with (beyond `allowed`).
 * Works for sync and async bodies; the body's own result tensors count unless disposed by it.
 *
 * @example
 * await expectNoTensorLeak(async () => { const y = model.predict(x); y.dispose(); });
 */
export async function expectNoTensorLeak<T>(
  body: () => T | Promise<T>,
  options: { allowed?: number; label?: string } = {},
): Promise<T> {
  const before = memory().numTensors;
  const result = await body();
  const after = memory().numTensors;
  const allowed = options.allowed ?? 0;
  if (after - before > allowed) {
    throw new StateError({
      argument: options.label ?? 'tensor count',
      expected: `at most ${allowed} new live tensor(s) (started with ${before}, now ${after})`,
      received: after - before,
    });
  }
  return result;
}

/** Number of live tensors now (`tf.memory().numTensors`). */
export function liveTensorCount(): number {
  return memory().numTensors;
}

/** `tidy` that also accepts returning a record of tensors (kept, others disposed). */
export function tidyRecord<T extends Record<string, Tensor | undefined>>(body: () => T): T {
  const keys: string[] = [];
  const kept = tidy(() => {
    const result = body();
    const list: Tensor[] = [];
    for (const [key, value] of Object.entries(result)) {
      if (value !== undefined) {
        keys.push(key);
        list.push(value);
      }
    }
    return list;
  });
  return Object.fromEntries(keys.map((key, i) => [key, kept[i]])) as T;
}

/** Throws a ShapeError unless `actual` equals `expected` (use `-1`/`null` for any size). */
export function assertShape(argument: string, actual: readonly number[], expected: readonly (number | null)[]): void {
  const ok = actual.length === expected.length && expected.every((d, i) => d === null || d === -1 || d === actual[i]);
  if (!ok) {
    const want = `[${expected.map((d) => (d === null || d === -1 ? '*' : d)).join(', ')}]`;
    throw new ShapeError({ argument, expected: `shape ${want}`, received: actual });
  }
}

/** Throws a ShapeError unless `tensor` has rank `rank`. */
export function assertRank(
  argument: string,
  tensor: { shape: readonly number[] },
  rank: number,
  layout?: string,
): void {
  if (tensor.shape.length !== rank) {
    throw new ShapeError({
      argument,
      expected: `a rank-${rank} tensor${layout ? ` (${layout})` : ''}`,
      received: tensor.shape,
    });
  }
}

/** Disposes every tensor in a (possibly nested) array or record; ignores non-tensors. */
export function disposeAll(value: unknown): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) disposeAll(item);
    return;
  }
  if (typeof value === 'object') {
    const candidate = value as { dispose?: unknown; dataId?: unknown };
    if (typeof candidate.dispose === 'function' && candidate.dataId !== undefined) {
      (candidate as Tensor).dispose();
      return;
    }
    for (const item of Object.values(value)) disposeAll(item);
  }
}
