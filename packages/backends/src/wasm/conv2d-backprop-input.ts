/**
 * `Conv2DBackpropInput` for the wasm backend, replacing tfjs-backend-wasm's scalar loop (≈10× slower
 * than its forward convolution) with forward XNNPACK convolutions.
 *
 * For `y = conv2d(x, w, stride s, padding p)`, with kernel rows a and output rows i,
 *
 *   dx[n, h, ·, c] = Σ_{i, a : i·s + a − p = h} dy[n, i, ·, o] · w[a, ·, c, o].
 *
 * Split the rows h of dx by phase r = h mod s (h = u·s + r). Only the taps a ≡ (r + p) mod s reach
 * phase r: a = a₀ + s·m, m < M, with a₀ = (r + p) mod s and M = ⌈(kh − a₀)/s⌉, and then
 * i = u + d − m with d = ⌊(r + p)/s⌋. So each phase is a stride-1 forward convolution of dy with the
 * flipped taps, in/out channels swapped, padded by M − 1 − d above (columns alike):
 *
 *   dx[:, r::s, t::s, :] = conv2d(dy, flip(w[a₀::s, b₀::s])ᵀ, stride 1, pad [M − 1 − d, U − Ho + d])
 *
 * For stride 1 that is the single convolution with the flipped kernel; for stride s the s² phase
 * convolutions cost together what the forward pass costs, and are interleaved into dx.
 */
import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { channelsLastConv2DInfo, type Shape4 } from './conv2d-backprop-filter.js';
import { convolve, type KernelArguments, KernelScope, WASM_BACKEND_NAME } from './kernel-calls.js';

/** The taps of one kernel axis that reach output phase `phase`, and where they start reading dy. */
interface PhaseTaps {
  /** First kernel index a₀ of the phase (taps a₀, a₀ + s, …). */
  first: number;
  /** Number of taps M (0: the phase receives no gradient). */
  count: number;
  /** Offset d: phase row u reads dy rows u + d − M + 1 … u + d. */
  offset: number;
  /** Rows of dx in this phase: ⌈(size − phase)/s⌉. */
  size: number;
}

function phaseTaps(phase: number, stride: number, kernel: number, padBefore: number, inSize: number): PhaseTaps {
  const first = (phase + padBefore) % stride;
  return {
    first,
    count: Math.max(0, Math.ceil((kernel - first) / stride)),
    offset: Math.floor((phase + padBefore) / stride),
    size: Math.max(0, Math.ceil((inSize - phase) / stride)),
  };
}

/** Computes dx on the wasm backend; see the file comment for the decomposition. */
export function conv2dBackpropInput(args: KernelArguments): TensorInfo {
  const dy = args.inputs.dy as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const convInfo = channelsLastConv2DInfo(inputShape, filter.shape as Shape4, {
    strides,
    pad,
    dataFormat,
    dimRoundingMode,
  });
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = convInfo;
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = convInfo;

  const scope = new KernelScope(args.backend);
  try {
    const filterValues = scope.values(filter);
    const rowsPerPhase = Math.ceil(inHeight / strideHeight);
    const columnsPerPhase = Math.ceil(inWidth / strideWidth);
    const phases: TensorInfo[] = [];
    for (let rowPhase = 0; rowPhase < strideHeight; rowPhase++) {
      const rows = phaseTaps(rowPhase, strideHeight, filterHeight, padInfo.top, inHeight);
      for (let columnPhase = 0; columnPhase < strideWidth; columnPhase++) {
        const columns = phaseTaps(columnPhase, strideWidth, filterWidth, padInfo.left, inWidth);
        const padded = { rows: rowsPerPhase - rows.size, columns: columnsPerPhase - columns.size };
        if (rows.count === 0 || columns.count === 0 || rows.size === 0 || columns.size === 0) {
          const shape = [batchSize, rowsPerPhase, columnsPerPhase, inChannels];
          phases.push(scope.run('Fill', {}, { shape, value: 0, dtype: 'float32' }));
          continue;
        }
        const taps = phaseFilter(scope, filterValues, filter.shape as Shape4, rows, columns, [
          strideHeight,
          strideWidth,
        ]);
        // Padding at the end also evens out phases with fewer rows (zeros beyond the image, cropped later).
        phases.push(
          convolve(scope, dy, taps, {
            top: rows.count - 1 - rows.offset,
            bottom: rows.size + padded.rows + rows.offset - outHeight,
            left: columns.count - 1 - columns.offset,
            right: columns.size + padded.columns + columns.offset - outWidth,
          }),
        );
      }
    }
    if (phases.length === 1) return scope.keep(phases[0] as TensorInfo);
    return scope.keep(interleave(scope, phases, [strideHeight, strideWidth], inputShape));
  } finally {
    scope.dispose();
  }
}

/**
 * The filter of one phase, [M, N, Co, Ci]: its taps a₀ + s·m (rows) and b₀ + s·n (columns) of the HWIO
 * `filter`, flipped in both axes and with in/out channels swapped (built in JavaScript: filters are small).
 */
function phaseFilter(
  scope: KernelScope,
  filter: Float32Array,
  [, filterWidth, inChannels, outChannels]: Shape4,
  rows: PhaseTaps,
  columns: PhaseTaps,
  [strideHeight, strideWidth]: readonly [number, number],
): TensorInfo {
  const taps = new Float32Array(rows.count * columns.count * outChannels * inChannels);
  let target = 0;
  for (let m = 0; m < rows.count; m++) {
    const a = rows.first + strideHeight * (rows.count - 1 - m);
    for (let n = 0; n < columns.count; n++) {
      const b = columns.first + strideWidth * (columns.count - 1 - n);
      const tap = (a * filterWidth + b) * inChannels * outChannels;
      for (let o = 0; o < outChannels; o++) {
        for (let c = 0; c < inChannels; c++) taps[target++] = filter[tap + c * outChannels + o] as number;
      }
    }
  }
  return scope.fromValues(taps, [rows.count, columns.count, outChannels, inChannels]);
}

/**
 * Interleaves s_h·s_w phase images [N, U, V, C] (row phase major) into [N, U·s_h, V·s_w, C], cropped to
 * `shape`: out[n, u·s_h + r, v·s_w + t] = phases[r·s_w + t][n, u, v].
 */
function interleave(
  scope: KernelScope,
  phases: readonly TensorInfo[],
  [strideHeight, strideWidth]: readonly [number, number],
  shape: readonly number[],
): TensorInfo {
  const [batch, rows, columns, channels] = (phases[0] as TensorInfo).shape as Shape4;
  const rowImages: TensorInfo[] = [];
  for (let rowPhase = 0; rowPhase < strideHeight; rowPhase++) {
    // [N, U, V, 1, C] side by side along axis 3 → [N, U, V, s_w, C] = [N, U, 1, V·s_w·C]
    const group = phases
      .slice(rowPhase * strideWidth, (rowPhase + 1) * strideWidth)
      .map((phase) => scope.reshape(phase, [batch, rows, columns, 1, channels]));
    const row = group.length === 1 ? (group[0] as TensorInfo) : scope.run('Concat', group, { axis: 3 });
    rowImages.push(scope.reshape(row, [batch, rows, 1, columns * strideWidth * channels]));
  }
  const stacked = rowImages.length === 1 ? (rowImages[0] as TensorInfo) : scope.run('Concat', rowImages, { axis: 2 });
  const full = scope.reshape(stacked, [batch, rows * strideHeight, columns * strideWidth, channels]);
  const [, height, width] = shape as Shape4;
  if (height === rows * strideHeight && width === columns * strideWidth) return full;
  return scope.slice(full, [0, 0, 0, 0], [batch, height, width, channels]);
}

/** Kernel registration of {@link conv2dBackpropInput} (replaces tfjs-backend-wasm's). */
export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: conv2dBackpropInput,
};
