/**
 * Test helper: one test body, run on every available backend (like tfjs' `describeWithFlags`).
 *
 * `DIFFUSE_TEST_BACKENDS` lists the backends (default `cpu,wasm,webgpu?`); a trailing `?` makes one
 * optional: skipped, with a note, when it is unavailable. A listed backend without `?` that cannot start
 * fails the suite (CI lists `cpu,wasm,webgpu`).
 *
 * @example
 * import { describeBackends } from '@diffuse/backends/testing';
 * describeBackends('addNoise', ({ backend }) => {
 *   it('matches the closed form', async () => { ... });
 * });
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { detectPlatform, readEnv } from './environment.js';
import { type BackendChoice, initBackend } from './init-backend.js';
import { type BackendName, loaders } from './loaders.js';

export const TEST_BACKENDS_ENV_VAR = 'DIFFUSE_TEST_BACKENDS';

interface RequestedBackend {
  backend: BackendName;
  optional: boolean;
}

function requestedBackends(): RequestedBackend[] {
  const value = readEnv(TEST_BACKENDS_ENV_VAR) ?? 'cpu,wasm,webgpu?';
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => ({ backend: item.replace(/\?$/, '') as BackendName, optional: item.endsWith('?') }));
}

const availability = new Map<BackendName, string | true>();

/** Probes (once per worker) whether each requested backend can start; returns true or the reason. */
async function probe(backend: BackendName): Promise<string | true> {
  const known = availability.get(backend);
  if (known !== undefined) return known;
  let result: string | true;
  try {
    await loaders[backend](detectPlatform(), { acceptSoftware: true });
    result = true;
  } catch (error) {
    result = error instanceof Error ? error.message : String(error);
  }
  availability.set(backend, result);
  return result;
}

const requested = requestedBackends();
for (const { backend, optional } of requested) {
  if (optional) await probe(backend);
}

/** The backends the current test run covers (requested and, for optional ones, available). */
export function testBackends(): BackendName[] {
  return requested
    .filter(({ backend, optional }) => !optional || availability.get(backend) === true)
    .map((r) => r.backend);
}

/** Runs `body` once per test backend, inside `describe('<name> [<backend>]')`, with that backend active. */
export function describeBackends(
  name: string,
  body: (context: { backend: BackendName; choice: () => BackendChoice }) => void,
  options: { only?: readonly BackendName[] } = {},
): void {
  const selected = requested.filter(({ backend }) => !options.only || options.only.includes(backend));
  if (selected.length === 0) {
    // Keep the file valid for vitest ("No test suite found") when the run covers none of `only`.
    describe.skip(`${name} [none of ${options.only?.join(', ')} in ${TEST_BACKENDS_ENV_VAR}]`, () => {
      it('skipped', () => {});
    });
    return;
  }
  for (const { backend, optional } of selected) {
    const status = availability.get(backend);
    if (optional && status !== true) {
      describe.skip(`${name} [${backend}: unavailable: ${status ?? 'not probed'}]`, () => {
        it('skipped', () => {});
      });
      continue;
    }
    describe(`${name} [${backend}]`, () => {
      let choice: BackendChoice | undefined;
      beforeAll(async () => {
        choice = await initBackend({ prefer: backend, env: {} });
      });
      afterAll(() => {
        choice = undefined;
      });
      body({
        backend,
        choice: () => {
          if (!choice) throw new Error('backend not initialised yet: call choice() inside a test');
          return choice;
        },
      });
    });
  }
}
