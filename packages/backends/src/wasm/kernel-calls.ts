/**
 * Calls registered wasm kernels directly from inside another kernel, the way tfjs backends build their
 * composite kernels: the intermediates are backend data (no engine tensors, no tape), freed with
 * `backend.disposeData`. A {@link KernelScope} collects them and frees them all at the end.
 */
import { BackendError } from '@diffuse/core';
import {
  getKernel,
  type KernelBackend,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** What tfjs passes to a kernel function. */
export type KernelArguments = Parameters<KernelFunc>[0];

/** The name every @diffuse wasm kernel registers under. */
export const WASM_BACKEND_NAME = 'wasm';

/** Runs the wasm kernel `kernelName` now (whatever config is registered for it) and returns its output. */
export function runWasmKernel(
  kernelName: string,
  backend: KernelBackend,
  inputs: NamedTensorInfoMap | TensorInfo[],
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = getKernel(kernelName, WASM_BACKEND_NAME);
  if (!config) {
    throw new BackendError({
      argument: 'kernelName',
      expected: `a kernel registered for the wasm backend`,
      received: kernelName,
      hint: 'Load @tensorflow/tfjs-backend-wasm before calling @diffuse wasm kernels.',
    });
  }
  const output = config.kernelFunc({ inputs: inputs as NamedTensorInfoMap, backend, attrs });
  const first = Array.isArray(output) ? output[0] : output;
  if (!first) {
    throw new BackendError({ argument: kernelName, expected: 'one output tensor', received: 'none' });
  }
  return first;
}

/**
 * Intermediate results of one composite kernel. Every kernel call made through the scope is recorded;
 * `dispose()` frees all of them except those passed to `keep()` (the kernel's outputs).
 */
export class KernelScope {
  private readonly intermediates: TensorInfo[] = [];
  private readonly kept = new Set<TensorInfo>();

  readonly backend: KernelBackend;

  /** `backend` is the one tfjs passed to the kernel (typed `{}` by tfjs). */
  constructor(backend: object) {
    this.backend = backend as KernelBackend;
  }

  /** Runs a kernel and records its output as an intermediate. */
  run(kernelName: string, inputs: NamedTensorInfoMap | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    const output = runWasmKernel(kernelName, this.backend, inputs, attrs);
    this.intermediates.push(output);
    return output;
  }

  /** `Reshape`: a view sharing `x`'s data (reference-counted by the backend). */
  reshape(x: TensorInfo, shape: readonly number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape: [...shape] });
  }

  /** `Transpose` with permutation `perm`. */
  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm: [...perm] });
  }

  /** `Slice` from `begin` with `size` elements per axis. */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return this.run('Slice', { x }, { begin: [...begin], size: [...size] });
  }

  /** `PadV2` with zeros: `paddings[i] = [before, after]` for axis i. */
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[]): TensorInfo {
    return this.run('PadV2', { x }, { paddings: paddings.map(([before, after]) => [before, after]), constantValue: 0 });
  }

  /** Marks `output` as a result of the kernel: `dispose()` leaves it alive. */
  keep<T extends TensorInfo>(output: T): T {
    this.kept.add(output);
    return output;
  }

  /** Frees every recorded intermediate that was not kept. */
  dispose(): void {
    for (const info of this.intermediates) {
      if (!this.kept.has(info)) this.backend.disposeData(info.dataId);
    }
    this.intermediates.length = 0;
  }
}

/**
 * Brings `x` (NHWC) to `rows × cols` spatial size by cropping at the end (negative `bottom`/`right`) or
 * zero-padding (`top`/`left` ≥ 0 always pad; positive `bottom`/`right` pad at the end).
 */
export function padOrCrop(
  scope: KernelScope,
  x: TensorInfo,
  padding: { top: number; bottom: number; left: number; right: number },
): TensorInfo {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const cropBottom = Math.max(0, -padding.bottom);
  const cropRight = Math.max(0, -padding.right);
  const cropTop = Math.max(0, -padding.top);
  const cropLeft = Math.max(0, -padding.left);
  let result = x;
  if (cropBottom + cropRight + cropTop + cropLeft > 0) {
    result = scope.slice(
      result,
      [0, cropTop, cropLeft, 0],
      [batch, height - cropTop - cropBottom, width - cropLeft - cropRight, channels],
    );
  }
  const padTop = Math.max(0, padding.top);
  const padBottom = Math.max(0, padding.bottom);
  const padLeft = Math.max(0, padding.left);
  const padRight = Math.max(0, padding.right);
  if (padTop + padBottom + padLeft + padRight > 0) {
    result = scope.pad(result, [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ]);
  }
  return result;
}
