/**
 * Kernels @diffuse adds to (or replaces in) the wasm backend so that it can train: the gradient kernels
 * tfjs-backend-wasm lacks, and faster compositions where its own are slow (docs/benchmarks.md has the
 * measurements). Each is built on the backend's fast XNNPACK paths and tested against tfjs-backend-cpu.
 */
import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { identityConfig, splitVConfig } from './copy-kernels.js';
import { stockWasmKernels, WASM_BACKEND_NAME } from './kernel-calls.js';

/** The kernels registered by {@link registerWasmKernels}, in registration order. */
export const diffuseWasmKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  batchMatMulConfig,
  splitVConfig,
  identityConfig,
];

/** The configs actually registered, by kernel name (ours, carrying the stock setup function). */
const installed = new Map<string, KernelConfig>();

function install(config: KernelConfig): void {
  const existing = getKernel(config.kernelName, WASM_BACKEND_NAME);
  if (existing && existing === installed.get(config.kernelName)) return;
  if (existing) {
    stockWasmKernels.set(config.kernelName, existing);
    unregisterKernel(config.kernelName, WASM_BACKEND_NAME);
  }
  // Keep the stock kernel's setup (its wasm bindings): our replacements may call the stock kernel.
  const ours: KernelConfig = existing?.setupFunc ? { ...config, setupFunc: existing.setupFunc } : config;
  registerKernel(ours);
  installed.set(config.kernelName, ours);
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
  for (const kernelName of installed.keys()) {
    unregisterKernel(kernelName, WASM_BACKEND_NAME);
    const stock = stockWasmKernels.get(kernelName);
    if (stock) registerKernel(stock);
  }
  installed.clear();
  stockWasmKernels.clear();
}
