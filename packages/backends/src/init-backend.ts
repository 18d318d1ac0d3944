/**
 * `initBackend`: the one place where @diffuse picks a tfjs backend. Every other package is
 * backend-agnostic and runs on whatever is active.
 */
import { BackendError, ConfigError } from '@diffuse/core';
import { getBackend } from '@tensorflow/tfjs-core';
import { detectPlatform, type Platform, readEnv } from './environment.js';
import { type BackendName, type LoadedBackend, loaders, Unavailable } from './loaders.js';

/** All backend names, in the default order of preference in Node. */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/** Environment variable that forces a backend (or a comma-separated preference list). */
export const BACKEND_ENV_VAR = 'DIFFUSE_BACKEND';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Backends to try, in order. Default: Node `tensorflow, webgpu, wasm, cpu`; browser `webgpu, wasm, cpu`.
   * A software GPU adapter (SwiftShader) is skipped unless `webgpu` is asked for explicitly.
   */
  prefer?: BackendName | readonly BackendName[];
  /** Environment to read `DIFFUSE_BACKEND` from (default `process.env` in Node). */
  env?: Record<string, string | undefined>;
  /**
   * Where the wasm backend fetches its `.wasm` binaries, for bundled apps: a URL prefix ending in `/`, or
   * one URL per file name (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`,
   * `tfjs-backend-wasm-threaded-simd.wasm`). Default: next to the page (browser), the package (Node).
   */
  wasmPaths?: string | Record<string, string>;
}

/** One backend that was considered. */
export interface BackendAttempt {
  backend: BackendName;
  outcome: 'chosen' | 'unavailable';
  reason: string;
  /** How to make it available, when unavailable. */
  howToGet?: string;
}

/** What {@link initBackend} chose, and why. */
export interface BackendChoice {
  backend: BackendName;
  platform: Platform;
  /** One sentence: why this backend. */
  reason: string;
  /** Details of the chosen backend (adapter, SIMD, threads). */
  details: string;
  attempts: BackendAttempt[];
}

function parsePreference(value: string, argument: string): BackendName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError({ argument, expected: `backend names among ${BACKEND_NAMES.join(', ')}`, received: value });
    }
  }
  if (names.length === 0) throw new ConfigError({ argument, expected: 'at least one backend name', received: value });
  return names as BackendName[];
}

/**
 * Picks, loads and activates a backend, and reports what it chose and why.
 *
 * @example
 * import { initBackend } from '@diffuse/backends';
 * const choice = await initBackend();            // best available
 * console.log(choice.backend, '-', choice.reason);
 * await initBackend({ prefer: 'wasm' });         // exactly wasm, or a BackendError saying how to get it
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const platform = detectPlatform();
  const forced = readEnv(BACKEND_ENV_VAR, options.env);
  let order: BackendName[];
  let explicit: boolean;
  let source: string;
  if (forced !== undefined && forced.trim() !== '') {
    order = parsePreference(forced, BACKEND_ENV_VAR);
    explicit = true;
    source = `${BACKEND_ENV_VAR}=${forced}`;
  } else if (options.prefer !== undefined) {
    const list = typeof options.prefer === 'string' ? [options.prefer] : [...options.prefer];
    order = parsePreference(list.join(','), 'prefer');
    explicit = true;
    source = 'the requested preference';
  } else {
    order = platform === 'node' ? ['tensorflow', 'webgpu', 'wasm', 'cpu'] : ['webgpu', 'wasm', 'cpu'];
    explicit = false;
    source = 'the default preference';
  }

  const attempts: BackendAttempt[] = [];
  for (const backend of order) {
    let loaded: LoadedBackend;
    try {
      loaded = await loaders[backend](platform, {
        acceptSoftware: explicit,
        ...(options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths }),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      attempts.push({
        backend,
        outcome: 'unavailable',
        reason,
        ...(error instanceof Unavailable && error.howToGet ? { howToGet: error.howToGet } : {}),
      });
      continue;
    }
    const skipped = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
    const reason = `${backend} is the first available backend in ${source} [${order.join(', ')}]${skipped ? ` (${skipped})` : ''}`;
    attempts.push({ backend, outcome: 'chosen', reason: loaded.details });
    return { backend, platform, reason, details: loaded.details, attempts };
  }
  const detail = attempts.map((a) => `${a.backend}: ${a.reason}${a.howToGet ? ` — ${a.howToGet}` : ''}`).join('; ');
  throw new BackendError({
    argument: forced ? BACKEND_ENV_VAR : 'prefer',
    expected: `an available backend among [${order.join(', ')}] on ${platform}`,
    received: order.length === 1 ? order[0] : order,
    hint: detail,
  });
}

/** The name of the active tfjs backend. */
export function activeBackend(): string {
  return getBackend();
}
