/**
 * Multi-threaded tfjs-backend-wasm under Node, with the package as shipped.
 *
 * Why the stock start-up fails in Node, and what this does instead:
 * 1. tfjs hands emscripten the pthread worker script as a `blob:` URL (`URL.createObjectURL`) and the
 *    main script as a `Blob`; Node's `worker_threads.Worker` accepts only file paths (and `file:`/`data:`
 *    URL objects), so the first pthread fails with a worker path error. Here the emscripten module is
 *    created by us: the worker script (`wasm-out/*.worker.js`'s `wasmWorkerContents`, with `\n` escaped as
 *    tfjs does) is written to a temporary `.cjs` file, and the main script is the package's own glue file.
 * 2. The C++ side sizes its XNNPACK thread pool as min(requested, logical cores / 2), assuming two
 *    hardware threads per core; Node reports `os.cpus().length` logical cores, so a 2-vCPU machine gets 1
 *    thread. The module's static initialiser reads that count once: we report 2 × the requested threads
 *    while the module starts, then restore `os.cpus`.
 * The resulting backend is tfjs' own `BackendWasm` around the threaded SIMD binary; kernels are unchanged.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { BackendError, ConfigError } from '@diffuse/core';
import { engine, type KernelBackend, registerBackend, removeBackend } from '@tensorflow/tfjs-core';
import { readEnv } from '../environment.js';

/** The emscripten module of the threaded build, as far as we touch it. */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argumentTypes: string[]): unknown;
  tfjs?: Record<string, unknown>;
  PThread?: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[] };
}

type ModuleFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/** The pthread pool tfjs-backend-wasm's threaded build pre-creates (its upper bound on threads). */
export const MAX_WASM_THREADS = 8;

/**
 * Environment variable: XNNPACK threads of the wasm backend in Node, 1–8 (default 1). More than one
 * starts tfjs' threaded SIMD build through {@link useThreadedWasm}. Opt-in: on a machine shared with other
 * jobs the thread pool waits for descheduled workers and was several times slower on the small U-Net
 * than one thread (docs/benchmarks.md).
 */
export const WASM_THREADS_ENV_VAR = 'DIFFUSE_WASM_THREADS';

/** The thread count asked for by {@link WASM_THREADS_ENV_VAR} (default 1). */
export function requestedWasmThreads(): number {
  const value = readEnv(WASM_THREADS_ENV_VAR);
  if (value === undefined || value === '') return 1;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new ConfigError({
      argument: WASM_THREADS_ENV_VAR,
      expected: `an integer in [1, ${MAX_WASM_THREADS}]`,
      received: value,
    });
  }
  return threads;
}

const GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WORKER = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';

/** Runs `body` while `os.cpus()` reports `count` logical cores. */
async function withLogicalCores<T>(count: number, body: () => Promise<T>): Promise<T> {
  const mutableOs = createRequire(import.meta.url)('node:os') as { cpus: typeof os.cpus };
  const original = mutableOs.cpus;
  const first = original()[0];
  mutableOs.cpus = () => (first ? Array.from({ length: count }, () => first) : original());
  try {
    return await body();
  } finally {
    mutableOs.cpus = original;
  }
}

/**
 * Writes the pthread worker script once per content (a file named by its hash in the temporary
 * directory, written to a private name and renamed into place) and returns its path.
 */
function writeWorkerScript(contents: string): string {
  const hash = createHash('sha256').update(contents).digest('hex').slice(0, 16);
  const path = join(os.tmpdir(), `diffuse-tfjs-wasm-worker-${hash}.cjs`);
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, contents);
    renameSync(partial, path);
  }
  return path;
}

/** Creates the threaded SIMD emscripten module with `threads` XNNPACK threads. */
async function createThreadedModule(threads: number): Promise<EmscriptenModule> {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve(GLUE);
  const factory = require(gluePath) as ModuleFactory;
  const { wasmWorkerContents } = require(WORKER) as { wasmWorkerContents: string };
  const workerPath = writeWorkerScript(wasmWorkerContents.replace(/\n/g, '\\n'));
  const module = await withLogicalCores(2 * threads, () =>
    factory({
      locateFile: (path: string, prefix: string) => {
        if (path.endsWith('.worker.js')) return workerPath;
        if (path.endsWith('.wasm')) return join(dirname(gluePath), 'tfjs-backend-wasm-threaded-simd.wasm');
        return prefix + path;
      },
      mainScriptUrlOrBlob: gluePath,
    }),
  );
  // The bindings tfjs-backend-wasm's own `init()` adds (backend_wasm.ts).
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/**
 * Replaces the registered (not yet started) `wasm` backend factory by one that starts the threaded SIMD
 * build with `threads` threads (1 ≤ threads ≤ {@link MAX_WASM_THREADS}). Returns a function that puts
 * the stock factory back (for a fallback when the threaded start fails).
 */
export async function useThreadedWasm(threads: number): Promise<() => void> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new BackendError({
      argument: 'threads',
      expected: `an integer in [1, ${MAX_WASM_THREADS}]`,
      received: threads,
    });
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const registry = engine() as unknown as {
    registry: Record<string, KernelBackend>;
    registryFactory: Record<string, { factory: () => KernelBackend | Promise<KernelBackend>; priority: number }>;
  };
  const stock = registry.registryFactory.wasm;
  if (!stock || registry.registry.wasm) {
    throw new BackendError({
      argument: 'wasm backend',
      expected: 'registered and not started yet',
      received: stock ? 'already started' : 'not registered',
    });
  }
  removeBackend('wasm');
  registerBackend(
    'wasm',
    async () => {
      const module = await createThreadedModule(threads);
      wasm.setThreadsCount(threads);
      // The constructor creates the XNNPACK thread pool (its pthreads start now).
      const backend = new wasm.BackendWasm(module as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
      // Emscripten unrefs idle workers only: let Node exit while pool threads wait for work.
      for (const worker of [...(module.PThread?.unusedWorkers ?? []), ...(module.PThread?.runningWorkers ?? [])]) {
        worker.unref();
      }
      return backend;
    },
    stock.priority,
  );
  return () => {
    removeBackend('wasm');
    registerBackend('wasm', stock.factory, stock.priority);
  };
}
