/**
 * `BatchMatMul` for the wasm backend that keeps every product on XNNPACK's fast path.
 *
 * tfjs-backend-wasm multiplies fast (XNNPACK) only a single, untransposed product; a transposed operand
 * or a batch falls back to a scalar loop 10–35× slower, and training needs exactly those: the
 * gradient of `a·b` is `dy·bᵀ` and `aᵀ·dy`, and attention is a batch of `Q·Kᵀ`. This kernel transposes
 * explicitly (a cheap copy) and then
 * - one shared right operand: folds the batch into the rows, one product [B·M, K]·[K, N];
 * - one shared left operand: folds the batch into the columns, one product [M, K]·[K, B·N];
 * - a batch on both sides: one product per batch item, concatenated.
 * Broadcasting follows tfjs (a batch of 1 on either side broadcasts).
 */
import { ValueError } from '@diffuse/core';
import {
  BatchMatMul,
  type BatchMatMulAttrs,
  broadcast_util,
  type KernelConfig,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { type KernelArguments, KernelScope, WASM_BACKEND_NAME } from './kernel-calls.js';

/** Computes `a·b` (optionally transposed) on the wasm backend; see the file comment. */
export function batchMatMul(args: KernelArguments): TensorInfo {
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  const scope = new KernelScope(args.backend);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new ValueError({ argument: 'a, b', expected: 'float32 tensors', received: [a.dtype, b.dtype] });
  }
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const rows = (transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2]) as number;
  const inner = (transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1]) as number;
  const innerB = (transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2]) as number;
  const columns = (transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1]) as number;
  if (inner !== innerB) {
    throw new ValueError({
      argument: 'b',
      expected: `inner dimension ${inner} (a: [${a.shape}], transposeA ${transposeA})`,
      received: `${innerB} (b: [${b.shape}], transposeB ${transposeB})`,
    });
  }
  const batchShape = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batchShape, rows, columns];
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const batch = util.sizeFromShape(batchShape);
  if (
    (batch === 1 && !transposeA && !transposeB) ||
    (batchA !== batch && batchA !== 1) ||
    (batchB !== batch && batchB !== 1)
  ) {
    // Already XNNPACK's fast path, or a partial broadcast ([2,1,…]·[1,3,…]) the stock kernel handles.
    return scope.keep(scope.runStock(BatchMatMul, { a, b }, { transposeA, transposeB }));
  }
  try {
    // Both operands as [batch, rows, inner] and [batch, inner, columns], transposed explicitly.
    let left = scope.reshape(a, transposeA ? [batchA, inner, rows] : [batchA, rows, inner]);
    if (transposeA) left = scope.transpose(left, [0, 2, 1]);
    let right = scope.reshape(b, transposeB ? [batchB, columns, inner] : [batchB, inner, columns]);
    if (transposeB) right = scope.transpose(right, [0, 2, 1]);
    const product = (x: TensorInfo, y: TensorInfo) =>
      scope.runStock(BatchMatMul, { a: x, b: y }, { transposeA: false, transposeB: false });

    let result: TensorInfo;
    if (batchB === 1) {
      // [batchA·rows, inner]·[inner, columns]
      result = product(scope.reshape(left, [1, batchA * rows, inner]), right);
    } else if (batchA === 1) {
      // [rows, inner]·[inner, batchB·columns], then [rows, batchB, columns] → [batchB, rows, columns]
      const side = scope.reshape(scope.transpose(right, [1, 0, 2]), [1, inner, batchB * columns]);
      result = scope.transpose(scope.reshape(product(left, side), [rows, batchB, columns]), [1, 0, 2]);
    } else {
      const items: TensorInfo[] = [];
      for (let item = 0; item < batch; item++) {
        const x = scope.slice(left, [item, 0, 0], [1, rows, inner]);
        const y = scope.slice(right, [item, 0, 0], [1, inner, columns]);
        items.push(product(x, y));
      }
      result = items.length === 1 ? (items[0] as TensorInfo) : scope.run('Concat', items, { axis: 0 });
    }
    return scope.keep(scope.reshape(result, outShape));
  } finally {
    scope.dispose();
  }
}

/** Kernel registration of {@link batchMatMul} (replaces tfjs-backend-wasm's). */
export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: WASM_BACKEND_NAME,
  kernelFunc: batchMatMul,
};
