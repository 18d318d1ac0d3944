/**
 * @diffuse/backends — the only package that picks or patches a tfjs backend.
 * `initBackend()` chooses among tfjs-node (optional), WebGPU (browser, or Node via Dawn), wasm and cpu,
 * registers the gradient kernels wasm lacks, and reports what it chose and why.
 */
export { detectPlatform, type Platform } from './environment.js';
export {
  activeBackend,
  BACKEND_ENV_VAR,
  BACKEND_NAMES,
  type BackendAttempt,
  type BackendChoice,
  type InitBackendOptions,
  initBackend,
} from './init-backend.js';
export type { BackendName } from './loaders.js';
export { registerWasmKernels } from './wasm/register.js';
