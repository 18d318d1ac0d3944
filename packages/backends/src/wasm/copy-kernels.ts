/**
 * Memory-movement kernels for the wasm backend that copy only what they must.
 *
 * - `SplitV` (the gradient of `concat`, e.g. of every U-Net skip connection): tfjs-backend-wasm slices
 *   each piece with its `Slice` kernel, which first copies the whole input out of the wasm heap, once
 *   per piece, then walks it in JavaScript. Here each piece is one pass of contiguous row copies.
 * - `Identity` (gradients pass through it hundreds of times per step): tfjs-backend-wasm copies the
 *   tensor; tensors are immutable, so sharing the data with a reference count is enough — what
 *   tfjs-backend-cpu does.
 */
import {
  backend_util,
  Identity,
  type KernelConfig,
  SplitV,
  type SplitVAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { heapAccess, type KernelArguments, kernelBackend, stockWasmKernel, WASM_BACKEND_NAME } from './kernel-calls.js';

/** Splits `x` along `axis` into pieces of the given sizes (one pass of row copies per piece). */
export function splitV(args: KernelArguments): TensorInfo[] {
  const x = args.inputs.x as TensorInfo;
  const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
  const heap = heapAccess(kernelBackend(args));
  if (!heap || x.dtype === 'string' || x.dtype === 'complex64') {
    return stockWasmKernel(SplitV).kernelFunc(args) as TensorInfo[];
  }
  const splitAxis = util.parseAxisParam(axis, x.shape)[0] as number;
  const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, splitAxis);
  const outer = util.sizeFromShape(x.shape.slice(0, splitAxis));
  const inner = util.sizeFromShape(x.shape.slice(splitAxis + 1));
  const rowLength = (x.shape[splitAxis] as number) * inner;
  const outputs = sizes.map((size) =>
    heap.makeOutput(
      x.shape.map((d, i) => (i === splitAxis ? size : d)),
      x.dtype,
    ),
  );
  const source = heap.typedArrayFromHeap(x);
  let begin = 0;
  outputs.forEach((output, piece) => {
    const chunk = (sizes[piece] as number) * inner;
    const target = heap.typedArrayFromHeap(output);
    for (let row = 0, from = begin, to = 0; row < outer; row++, from += rowLength, to += chunk) {
      if (chunk >= 32) target.set(source.subarray(from, from + chunk), to);
      else for (let i = 0; i < chunk; i++) target[to + i] = source[from + i] as number;
    }
    begin += chunk;
  });
  return outputs;
}

/** `Identity`: the same data under a new reference (tensors are immutable). */
export function identity(args: KernelArguments): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  kernelBackend(args).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Kernel registration of {@link splitV} (replaces tfjs-backend-wasm's). */
export const splitVConfig: KernelConfig = { kernelName: SplitV, backendName: WASM_BACKEND_NAME, kernelFunc: splitV };

/** Kernel registration of {@link identity} (replaces tfjs-backend-wasm's). */
export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: identity,
};
