/**
 * One loader per backend: makes it available (registers it with tfjs) or says why not.
 * Loaders import their backend package lazily, so that picking `cpu` never loads wasm, and optional
 * peers (tfjs-node, webgpu) are only touched when present.
 */
import { engine, env, getBackend, setBackend } from '@tensorflow/tfjs-core';
import type { Platform } from './environment.js';
import { registerWasmKernels } from './wasm/register.js';

/** The backends @diffuse knows. */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** Why a backend could not be used, with what would fix it. */
export class Unavailable extends Error {
  constructor(
    message: string,
    readonly howToGet: string,
  ) {
    super(message);
  }
}

/** Details a loader reports about the backend it prepared. */
export interface LoadedBackend {
  /** Human-readable details (adapter name, threads, SIMD). */
  details: string;
  /** True when this backend is a software emulation much slower than wasm (SwiftShader WebGPU). */
  software?: boolean;
}

/** Options every loader receives. */
export interface LoaderOptions {
  /** Accept a software GPU adapter (true when the caller asked for this backend explicitly). */
  acceptSoftware: boolean;
  /** Where the wasm backend finds its `.wasm` binaries (a URL prefix, or one URL per file name). */
  wasmPaths?: string | Record<string, string>;
}

/** Imports a module by a name bundlers must not try to resolve (optional peers). */
async function importOptional(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ name);
}

async function activate(name: string): Promise<void> {
  const ok = await setBackend(name);
  if (!ok || getBackend() !== name) throw new Unavailable(`tfjs could not initialise the "${name}" backend`, '');
  await engine().ready();
}

async function loadTensorflow(platform: Platform): Promise<LoadedBackend> {
  if (platform !== 'node') throw new Unavailable('tfjs-node only runs in Node', 'Use webgpu or wasm in the browser');
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(name);
      await activate('tensorflow');
      return { details: `${name} (native TensorFlow)` };
    } catch (error) {
      if (error instanceof Unavailable) throw error;
    }
  }
  throw new Unavailable(
    'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed',
    'Install one of them (`pnpm add @tensorflow/tfjs-node`; tfjs-node-gpu needs CUDA 11.2): both are optional peers',
  );
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Whether a Linux machine may have a hardware GPU for Dawn: a DRM render node (`/dev/dri/renderD*`: Mesa,
 * AMD, Intel) or an NVIDIA device node, or a Vulkan driver named explicitly by the loader's environment
 * variables. Probing Dawn without one finds no adapter but prints native errors on stderr, so the default
 * (implicit) preference skips WebGPU instead. Other platforms use Metal/D3D12 and are always probed.
 */
async function mayHaveGpu(): Promise<boolean> {
  const { platform, env: processEnv } =
    (globalThis as { process?: { platform?: string; env?: Record<string, string | undefined> } }).process ?? {};
  if (platform !== 'linux') return true;
  if (processEnv?.VK_ICD_FILENAMES || processEnv?.VK_DRIVER_FILES || processEnv?.VK_ADD_DRIVER_FILES) return true;
  const { readdir } = await import('node:fs/promises');
  const renderNodes = await readdir('/dev/dri').catch(() => [] as string[]);
  if (renderNodes.some((entry) => entry.startsWith('renderD'))) return true;
  const devices = await readdir('/dev').catch(() => [] as string[]);
  return devices.some((entry) => /^nvidia\d+$/.test(entry));
}

async function loadWebgpu(platform: Platform, options: LoaderOptions): Promise<LoadedBackend> {
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (platform === 'node' && !scope.navigator?.gpu) {
    if (!options.acceptSoftware && !(await mayHaveGpu())) {
      throw new Unavailable(
        'no GPU device is present (no /dev/dri/renderD* or /dev/nvidia*) and VK_ICD_FILENAMES is unset',
        `Install your GPU's Vulkan driver, or with Debian's chromium run with VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (software, for correctness)`,
      );
    }
    let dawn: { create(flags: string[]): unknown; globals: Record<string, unknown> };
    try {
      dawn = (await importOptional('webgpu')) as typeof dawn;
    } catch (error) {
      throw new Unavailable(
        `the \`webgpu\` package (Dawn for Node) could not be loaded: ${(error as Error).message}`,
        'Install it: `pnpm add webgpu` (an optional peer of @diffuse/backends)',
      );
    }
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if (scope.navigator) Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  const gpu = scope.navigator?.gpu as { requestAdapter(): Promise<unknown> } | undefined;
  if (!gpu) {
    throw new Unavailable(
      'this browser exposes no `navigator.gpu`',
      'Use a browser with WebGPU enabled (Chrome ≥ 113)',
    );
  }
  const adapter = (await gpu.requestAdapter()) as {
    info?: { vendor?: string; architecture?: string; description?: string; device?: string };
    isFallbackAdapter?: boolean;
  } | null;
  if (!adapter) {
    const hint =
      platform === 'node'
        ? `No Vulkan driver found. With Debian's chromium installed, run with VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (software, for correctness) or install your GPU's Vulkan driver`
        : 'Enable WebGPU (chrome://flags/#enable-unsafe-webgpu) or use a GPU the browser supports';
    throw new Unavailable('no WebGPU adapter is available', hint);
  }
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  const software = adapter.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe/i.test(description);
  if (software && !options.acceptSoftware) {
    throw new Unavailable(
      `the only WebGPU adapter is a software one (${description}), far slower than wasm`,
      'Ask for it explicitly (prefer: ["webgpu"] or DIFFUSE_BACKEND=webgpu) to use it anyway',
    );
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  await activate('webgpu');
  return { details: `WebGPU adapter: ${description || 'unknown'}`, software };
}

async function loadWasm(platform: Platform, options: LoaderOptions): Promise<LoadedBackend> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const registry = (engine() as unknown as { registry: Record<string, unknown> }).registry;
  // tfjs refuses new paths once the wasm module is loaded; later calls reuse the loaded module.
  if (options.wasmPaths !== undefined && registry.wasm === undefined) wasm.setWasmPaths(options.wasmPaths);
  let restoreStock: (() => void) | undefined;
  let threadNote = '';
  if (platform === 'node') {
    // tfjs' own threaded start-up cannot load its pthread worker in Node (a blob: URL): start the stock
    // single-threaded SIMD build, or the threaded one through ./wasm/node-threads.ts.
    env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const { requestedWasmThreads, useThreadedWasm } = await import('./wasm/node-threads.js');
    const threads = requestedWasmThreads();
    const started = (engine() as unknown as { registry: Record<string, unknown> }).registry.wasm !== undefined;
    if (threads > 1 && !started) restoreStock = await useThreadedWasm(threads);
  }
  registerWasmKernels();
  try {
    await activate('wasm');
  } catch (error) {
    if (!restoreStock) throw error;
    restoreStock();
    threadNote = ` (threaded start failed: ${(error as Error).message}; single-threaded)`;
    await activate('wasm');
  }
  const simd = await env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return {
    details: `tfjs-backend-wasm ${wasm.version_wasm}, SIMD ${simd ? 'on' : 'off'}, threads ${wasm.getThreadsCount()}${threadNote}`,
  };
}

async function loadCpu(): Promise<LoadedBackend> {
  await import('@tensorflow/tfjs-backend-cpu');
  await activate('cpu');
  return { details: 'tfjs-backend-cpu (plain JavaScript, reference)' };
}

/** The loader of each backend. */
export const loaders: Record<BackendName, (platform: Platform, options: LoaderOptions) => Promise<LoadedBackend>> = {
  tensorflow: loadTensorflow,
  webgpu: loadWebgpu,
  wasm: loadWasm,
  cpu: loadCpu,
};
