/**
 * Micro-benchmarks of the convolution kernels a training step needs, on wasm with @diffuse's kernels
 * and with stock tfjs-backend-wasm. Run: `node bench/run.mjs bench/kernels.ts` (from packages/backends).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/index.js';
import { registerWasmKernels, restoreStockWasmKernels } from '../src/wasm/register.js';
import { gflops, medianMilliseconds } from './timing.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Layer {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
}

const layers: Layer[] = [
  { label: '3×3 s1 same', x: [8, 32, 32, 64], filter: [3, 3, 64, 64], stride: 1, pad: 'same' },
  {
    label: '3×3 s2 pad1',
    x: [8, 32, 32, 64],
    filter: [3, 3, 64, 64],
    stride: 2,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  { label: '1×1 s1', x: [8, 32, 32, 64], filter: [1, 1, 64, 128], stride: 1, pad: 'valid' },
  { label: '3×3 s1 same 7×7', x: [32, 7, 7, 64], filter: [3, 3, 64, 64], stride: 1, pad: 'same' },
];

await initBackend({ prefer: 'wasm', env: {} });
const variant = process.argv[3] ?? 'ours';
if (variant === 'stock') restoreStockWasmKernels();
else registerWasmKernels();

for (const layer of layers) {
  const x = tf.randomNormal(layer.x) as tf.Tensor4D;
  const w = tf.randomNormal(layer.filter) as tf.Tensor4D;
  const y = tf.conv2d(x, w, layer.stride, layer.pad);
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const flops = 2 * y.size * layer.filter[0] * layer.filter[1] * layer.filter[2];
  const forward = await medianMilliseconds(() => tf.conv2d(x, w, layer.stride, layer.pad));
  const input = await medianMilliseconds(() => tf.conv2dTranspose(dy, w, layer.x, layer.stride, layer.pad), {
    runs: 3,
  });
  let filterTime = Number.NaN;
  try {
    filterTime = await medianMilliseconds(
      () =>
        tf.grad((filter: tf.Tensor) =>
          tf
            .conv2d(x, filter as tf.Tensor4D, layer.stride, layer.pad)
            .mul(dy)
            .sum(),
        )(w),
      { runs: 3 },
    );
  } catch {}
  const row = (name: string, ms: number) => `${name} ${ms.toFixed(1)} ms (${gflops(flops, ms).toFixed(1)} GFLOP/s)`;
  console.log(
    `${variant} ${layer.label}: ${row('forward', forward)}; ${row('dx', input)}; ${row('dW+fwd', filterTime)}`,
  );
  tf.dispose([x, w, y, dy]);
}
