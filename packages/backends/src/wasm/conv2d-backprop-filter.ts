/**
 * `Conv2DBackpropFilter` for the wasm backend (tfjs-backend-wasm ships none), built on its fast
 * XNNPACK forward convolution.
 *
 * The filter gradient of `y = conv2d(x, w, stride s, padding p)` is
 *
 *   dW[a, b, c, o] = Σ_{n, i, j} x̃[n, i·s + a, j·s + b, c] · dy[n, i, j, o]      (x̃ = x padded by p)
 *
 * which is itself a stride-1 convolution with dilation s: take the input channels `c` as the batch,
 * the batch `n` as the channels, and `dy` (laid out as [Ho, Wo, N, Co]) as the filter:
 *
 *   dW' = conv2d(transpose(x̃, [3, 1, 2, 0]), transpose(dy, [1, 2, 0, 3]), stride 1, dilation s) : [Ci, kh, kw, Co]
 *   dW  = transpose(dW', [1, 2, 0, 3])
 *
 * The padding p goes to the convolution itself (cropping rows/columns it never reads), so `x̃` is never
 * materialised. Results equal tfjs-backend-cpu's to float32 rounding.
 */
import { ValueError } from '@diffuse/core';
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convolve, type KernelArguments, KernelScope, WASM_BACKEND_NAME } from './kernel-calls.js';

/** A rank-4 shape. */
export type Shape4 = [number, number, number, number];

/** The attributes both convolution gradients receive from tfjs-core's ops. */
export type Conv2DGradientAttrs = Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'>;

/** The forward convolution a gradient belongs to, checked to be NHWC (the wasm backend's only layout). */
export function channelsLastConv2DInfo(
  inputShape: Shape4,
  filterShape: Shape4,
  attrs: Conv2DGradientAttrs,
): backend_util.Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs;
  const convInfo = backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (convInfo.dataFormat !== 'channelsLast') {
    throw new ValueError({
      argument: 'dataFormat',
      expected: "'NHWC' (the wasm backend's only convolution layout)",
      received: dataFormat,
    });
  }
  return convInfo;
}

/** Computes dW on the wasm backend; see the file comment for the identity used. */
export function conv2dBackpropFilter(args: KernelArguments): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const dy = args.inputs.dy as TensorInfo;
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const convInfo = channelsLastConv2DInfo(x.shape as Shape4, attrs.filterShape, attrs);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = convInfo;
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = convInfo;
  const expectedDy = [batchSize, outHeight, outWidth, outChannels];
  if (dy.shape.length !== 4 || dy.shape.some((size, axis) => size !== expectedDy[axis])) {
    throw new ValueError({ argument: 'dy', expected: `shape [${expectedDy.join(', ')}]`, received: dy.shape });
  }

  const scope = new KernelScope(args.backend);
  try {
    const pointwise =
      filterHeight === 1 &&
      filterWidth === 1 &&
      strideHeight === 1 &&
      strideWidth === 1 &&
      padInfo.top + padInfo.bottom + padInfo.left + padInfo.right === 0;
    if (pointwise) {
      // 1×1 stride 1 (a U-Net shortcut): dW = xᵀ·dy over all N·H·W pixels, one plain product.
      const pixels = batchSize * inHeight * inWidth;
      const xTransposed = scope.transpose(scope.reshape(x, [pixels, inChannels]), [1, 0]);
      const product = scope.runStock(
        'BatchMatMul',
        { a: scope.reshape(xTransposed, [1, inChannels, pixels]), b: scope.reshape(dy, [1, pixels, outChannels]) },
        { transposeA: false, transposeB: false },
      );
      return scope.keep(scope.reshape(product, [1, 1, inChannels, outChannels]));
    }
    // Rows of x̃ the gradient reads: (outHeight - 1)·s + kh of them, from -padTop on.
    const usedRows = (outHeight - 1) * strideHeight + filterHeight;
    const usedColumns = (outWidth - 1) * strideWidth + filterWidth;
    // Padding beyond the rows the forward pass read is cropped away instead of padded.
    const bottom = usedRows - inHeight - padInfo.top;
    const right = usedColumns - inWidth - padInfo.left;
    // [N, H, W, Ci] → [Ci, H, W, N]: input channels become the batch, the batch becomes channels.
    const channelsAsBatch = scope.transpose(x, [3, 1, 2, 0]);
    // [N, Ho, Wo, Co] → [Ho, Wo, N, Co]: dy becomes a (dilated) filter.
    const dyAsFilter = scope.transpose(dy, [1, 2, 0, 3]);
    const gradient = convolve(
      scope,
      channelsAsBatch,
      dyAsFilter,
      { top: padInfo.top, bottom, left: padInfo.left, right },
      [strideHeight, strideWidth],
    );
    // [Ci, kh, kw, Co] → [kh, kw, Ci, Co]
    return scope.keep(scope.transpose(gradient, [1, 2, 0, 3]));
  } finally {
    scope.dispose();
  }
}

/** Kernel registration of {@link conv2dBackpropFilter}. */
export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: conv2dBackpropFilter,
};
