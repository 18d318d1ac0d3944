/**
 * Shared by the `webgpu-*` tests: run a suite only where WebGPU can start (Node: Dawn through the
 * `webgpu` package), skip it with a note elsewhere, and fail it where `DIFFUSE_TEST_BACKENDS` lists plain
 * `webgpu` (required, as in CI).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@diffuse/backends';
import { TEST_BACKENDS_ENV_VAR, testBackends } from '@diffuse/backends/testing';
import { describe, it } from 'vitest';

/** The models package's PyTorch reference fixtures. */
export const FIXTURES_FOLDER = join(dirname(fileURLToPath(import.meta.url)), '../../models/test/fixtures');

/** Why WebGPU cannot be used here, or undefined when it can (probed once, on first use). */
async function unavailableReason(): Promise<string | undefined> {
  const listed = process.env[TEST_BACKENDS_ENV_VAR] ?? 'cpu,wasm,webgpu?';
  if (!listed.split(',').some((item) => item.trim().replace(/\?$/, '') === 'webgpu')) {
    return `${TEST_BACKENDS_ENV_VAR}=${listed} does not list webgpu`;
  }
  if (testBackends().includes('webgpu')) return undefined;
  try {
    await initBackend({ prefer: 'webgpu', env: {} });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const reason = await unavailableReason();

/**
 * `describe` for suites that need WebGPU (they pick backends themselves with `initBackend`). Skipped,
 * with the reason in its name, when WebGPU is optional and unavailable.
 */
export function describeWebgpu(name: string, body: () => void): void {
  if (reason === undefined) {
    describe(name, body);
    return;
  }
  describe.skip(`${name} [skipped: ${reason}; list plain webgpu in ${TEST_BACKENDS_ENV_VAR} to require it]`, () => {
    it('skipped', () => {});
  });
}

/** The largest |a[i] − b[i]| (Infinity when the lengths differ). */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
