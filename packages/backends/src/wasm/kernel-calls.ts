/**
 * Calls registered wasm kernels directly from inside another kernel, the way tfjs backends build their
 * composite kernels: the intermediates are backend data (no engine tensors, no tape), freed with
 * `backend.disposeData`. A {@link KernelScope} collects them and frees them all at the end.
 */
import { BackendError } from '@diffuse/core';
import {
  type DataType,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-wasm's `BackendWasm` that gives direct access to tensor memory. */
export interface WasmHeapAccess {
  /** Allocates an output tensor (may grow, and so move, the wasm memory: take views afterwards). */
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** A view of a (numeric) tensor's memory; valid until the next allocation. */
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** `backend` as {@link WasmHeapAccess} when it is tfjs-backend-wasm's, else undefined. */
export function heapAccess(backend: KernelBackend): WasmHeapAccess | undefined {
  const candidate = backend as Partial<WasmHeapAccess>;
  return typeof candidate.makeOutput === 'function' && typeof candidate.typedArrayFromHeap === 'function'
    ? (candidate as WasmHeapAccess)
    : undefined;
}

/** What tfjs passes to a kernel function. */
export type KernelArguments = Parameters<KernelFunc>[0];

/** The name every @diffuse wasm kernel registers under. */
export const WASM_BACKEND_NAME = 'wasm';

/** Stock tfjs-backend-wasm kernels that @diffuse replaced, by kernel name (see `register.ts`). */
export const stockWasmKernels = new Map<string, KernelConfig>();

/** tfjs-backend-wasm's own config of `kernelName`, even where @diffuse registered a replacement. */
export function stockWasmKernel(kernelName: string): KernelConfig {
  const config = stockWasmKernels.get(kernelName) ?? getKernel(kernelName, WASM_BACKEND_NAME);
  if (!config) {
    throw new BackendError({ argument: 'kernelName', expected: 'a stock wasm kernel', received: kernelName });
  }
  return config;
}

/** Runs tfjs-backend-wasm's own kernel `kernelName` (see {@link stockWasmKernel}); its first output. */
export function runStockWasmKernel(
  kernelName: string,
  backend: KernelBackend,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const output = stockWasmKernel(kernelName).kernelFunc({ inputs, backend, attrs });
  return (Array.isArray(output) ? output[0] : output) as TensorInfo;
}

/** The backend tfjs passed to a kernel (typed `{}` by tfjs). */
export function kernelBackend(args: KernelArguments): KernelBackend {
  return args.backend as KernelBackend;
}

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

  /** Runs tfjs-backend-wasm's own kernel (see {@link runStockWasmKernel}), recording its output. */
  runStock(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const output = runStockWasmKernel(kernelName, this.backend, inputs, attrs);
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

  /**
   * `Slice` from `begin` with `size` elements per axis. For float32 data the slice is copied directly
   * between heap ranges, one block per run of contiguous elements (the wasm `Slice` kernel first copies
   * the whole input out of the heap, then walks it in JavaScript).
   */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    const heap = heapAccess(this.backend);
    if (!heap || x.dtype !== 'float32') return this.run('Slice', { x }, { begin: [...begin], size: [...size] });
    const shape = x.shape;
    const strides = [...util.computeStrides(shape), 1];
    // The innermost axes taken whole, and the partial axis before them, form one contiguous run.
    let axis = shape.length - 1;
    let run = 1;
    while (axis >= 0 && begin[axis] === 0 && size[axis] === shape[axis]) run *= shape[axis--] as number;
    const out = heap.makeOutput([...size], 'float32');
    // Views of the heap are taken after the allocation, which may grow (and move) the memory.
    const target = heap.typedArrayFromHeap(out);
    const source = heap.typedArrayFromHeap(x);
    if (axis < 0) {
      target.set(source);
    } else {
      run *= size[axis] as number;
      const outer = size.slice(0, axis);
      const index = outer.map(() => 0);
      const count = util.sizeFromShape(outer);
      const base = (begin[axis] as number) * (strides[axis] as number);
      for (let block = 0, to = 0; block < count; block++, to += run) {
        let from = base;
        for (let k = 0; k < axis; k++) from += ((begin[k] as number) + (index[k] as number)) * (strides[k] as number);
        target.set(source.subarray(from, from + run), to);
        for (let k = axis - 1; k >= 0; k--) {
          if (++(index[k] as number) < (outer[k] as number)) break;
          index[k] = 0;
        }
      }
    }
    this.intermediates.push(out);
    return out;
  }

  /** `PadV2` with zeros: `paddings[i] = [before, after]` for axis i. */
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[]): TensorInfo {
    return this.run('PadV2', { x }, { paddings: paddings.map(([before, after]) => [before, after]), constantValue: 0 });
  }

  /** A float32 tensor holding `values` (copied into the backend), recorded as an intermediate. */
  fromValues(values: Float32Array, shape: readonly number[]): TensorInfo {
    const info: TensorInfo = {
      dataId: this.backend.write(values, [...shape], 'float32'),
      shape: [...shape],
      dtype: 'float32',
    };
    this.intermediates.push(info);
    return info;
  }

  /** The values of a float32 tensor (a copy; for small tensors such as filters). */
  values(x: TensorInfo): Float32Array {
    return this.backend.readSync(x.dataId) as Float32Array;
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
export function padOrCrop(scope: KernelScope, x: TensorInfo, padding: SpatialPadding): TensorInfo {
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

/** Padding of an NHWC tensor's two spatial axes; negative values crop instead. */
export interface SpatialPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Forward `Conv2D` (XNNPACK) of NHWC `x` with an HWIO `filter`, stride 1, with `padding` on each side:
 * non-negative padding goes to the convolution itself (no copy); negative padding crops `x` first.
 */
export function convolve(
  scope: KernelScope,
  x: TensorInfo,
  filter: TensorInfo,
  padding: SpatialPadding,
  dilations: readonly [number, number] = [1, 1],
): TensorInfo {
  const crop = {
    top: Math.min(0, padding.top),
    bottom: Math.min(0, padding.bottom),
    left: Math.min(0, padding.left),
    right: Math.min(0, padding.right),
  };
  const input = crop.top + crop.bottom + crop.left + crop.right < 0 ? padOrCrop(scope, x, crop) : x;
  const explicitPad = [
    [0, 0],
    [Math.max(0, padding.top), Math.max(0, padding.bottom)],
    [Math.max(0, padding.left), Math.max(0, padding.right)],
    [0, 0],
  ];
  return scope.run(
    'Conv2D',
    { x: input, filter },
    { strides: [1, 1], pad: explicitPad, dataFormat: 'NHWC', dilations: [...dilations], dimRoundingMode: 'floor' },
  );
}
