/**
 * Kernels @diffuse adds to (or replaces in) the wasm backend so that it can train: the gradient kernels
 * tfjs-backend-wasm lacks, and faster compositions where its own are slow (docs/benchmarks.md has the
 * measurements). Each is built on the backend's fast XNNPACK paths and tested against tfjs-backend-cpu.
 */
import { engine, getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { WASM_BACKEND_NAME } from './kernel-calls.js';

/** The kernels registered by {@link registerWasmKernels}, in registration order. */
export const diffuseWasmKernels: readonly KernelConfig[] = [conv2dBackpropFilterConfig, conv2dBackpropInputConfig];

/** The stock configs our kernels replaced (undefined: the stock backend had none). */
const replaced = new Map<string, KernelConfig | undefined>();

function install(config: KernelConfig): void {
  const existing = getKernel(config.kernelName, WASM_BACKEND_NAME);
  if (existing === config) return;
  if (!replaced.has(config.kernelName)) replaced.set(config.kernelName, existing);
  if (existing) unregisterKernel(config.kernelName, WASM_BACKEND_NAME);
  registerKernel(config);
}

/**
 * Registers @diffuse's wasm kernels (gradient kernels tfjs-backend-wasm does not ship, and faster
 * replacements of slow ones). Idempotent; call it after importing `@tensorflow/tfjs-backend-wasm`
 * (`initBackend()` does).
 *
 * @example
 * await import('@tensorflow/tfjs-backend-wasm');
 * registerWasmKernels();
 * await tf.setBackend('wasm');
 */
export function registerWasmKernels(): void {
  for (const config of diffuseWasmKernels) install(config);
}

/**
 * Puts back the wasm backend's stock kernels (removing the ones it did not have), for benchmarks and
 * tests that compare against stock tfjs-backend-wasm. Not exported from the package.
 */
export function restoreStockWasmKernels(): void {
  for (const [kernelName, stock] of replaced) {
    if (getKernel(kernelName, WASM_BACKEND_NAME)) unregisterKernel(kernelName, WASM_BACKEND_NAME);
    if (!stock) continue;
    registerKernel(stock);
    // A stock kernel replaced before the backend started never ran its setup (its wasm bindings).
    const backend = stock.setupFunc ? engine().findBackend(WASM_BACKEND_NAME) : null;
    if (stock.setupFunc && backend) stock.setupFunc(backend);
  }
  replaced.clear();
}
