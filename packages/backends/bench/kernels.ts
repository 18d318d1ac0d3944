/**
 * Micro-benchmarks of the kernels @diffuse registers for wasm, against tfjs-backend-wasm's own, on
 * U-Net-shaped work. Run (from packages/backends): `pnpm bench`, i.e. `node bench/run.mjs bench/kernels.ts`.
 * Prints one line per measurement: median wall and CPU milliseconds, GFLOP/s per CPU-second.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/index.js';
import { registerWasmKernels, restoreStockWasmKernels } from '../src/wasm/register.js';
import { measure } from './timing.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Layer {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
}

const layers: Layer[] = [
  { label: '3×3 s1 [8,32,32,64]', x: [8, 32, 32, 64], filter: [3, 3, 64, 64], stride: 1, pad: 'same' },
  {
    label: '3×3 s2 pad 1 [8,32,32,64]',
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
  { label: '1×1 [8,32,32,64]→128', x: [8, 32, 32, 64], filter: [1, 1, 64, 128], stride: 1, pad: 'valid' },
  { label: '3×3 s1 [32,7,7,64]', x: [32, 7, 7, 64], filter: [3, 3, 64, 64], stride: 1, pad: 'same' },
];

await initBackend({ prefer: 'wasm', env: {} });

async function line(label: string, flops: number, body: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  try {
    const timing = await measure(body, { warmups: 1, runs: 5 });
    const rate = flops ? `${(flops / timing.cpuMs / 1e6).toFixed(1).padStart(6)} GFLOP/s per CPU-s` : '';
    console.log(
      `${label.padEnd(58)} ${timing.wallMs.toFixed(1).padStart(8)} ms wall ${timing.cpuMs.toFixed(1).padStart(8)} ms CPU ${rate}`,
    );
  } catch (error) {
    console.log(`${label.padEnd(58)} fails: ${(error as Error).message.slice(0, 80)}`);
  }
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

for (const kernels of ['stock', 'ours'] as const) {
  if (kernels === 'stock') restoreStockWasmKernels();
  else registerWasmKernels();
  for (const layer of layers) {
    const x = tf.randomNormal(layer.x) as tf.Tensor4D;
    const w = tf.randomNormal(layer.filter) as tf.Tensor4D;
    const y = tf.conv2d(x, w, layer.stride, layer.pad);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const flops = 2 * y.size * layer.filter[0] * layer.filter[1] * layer.filter[2];
    const attrs = { strides: layer.stride, pad: layer.pad, dataFormat: 'NHWC' };
    await line(`${kernels} ${layer.label} Conv2D`, flops, () => tf.conv2d(x, w, layer.stride, layer.pad));
    await line(`${kernels} ${layer.label} Conv2DBackpropInput`, flops, () =>
      run('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: layer.x }),
    );
    await line(`${kernels} ${layer.label} Conv2DBackpropFilter`, flops, () =>
      run('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: layer.filter }),
    );
    tf.dispose([x, w, y, dy]);
  }
  const a = tf.randomNormal([1024, 256]);
  const b = tf.randomNormal([256, 512]);
  const flops = 2 * 1024 * 256 * 512;
  await line(`${kernels} matMul [1024,256]·[256,512]`, flops, () => tf.matMul(a, b));
  const aTransposed = a.transpose();
  const bTransposed = b.transpose();
  await line(`${kernels} matMul transposeA`, flops, () => tf.matMul(aTransposed, b, true, false));
  await line(`${kernels} matMul transposeB`, flops, () => tf.matMul(a, bTransposed, false, true));
  const q = tf.randomNormal([128, 196, 8]);
  const scores = tf.randomNormal([128, 196, 196]);
  const attentionFlops = 2 * 128 * 196 * 196 * 8;
  await line(`${kernels} attention Q·Kᵀ [128,196,8]`, attentionFlops, () => tf.matMul(q, q, false, true));
  await line(`${kernels} attention P·V [128,196,196]·[128,196,8]`, attentionFlops, () => tf.matMul(scores, q));
  const skip = tf.randomNormal([16, 14, 2, 28, 64]);
  await line(`${kernels} split (concat gradient) [16,14,2,28,64] axis 2`, 0, () => tf.split(skip, 2, 2));
  tf.dispose([a, b, aTransposed, bTransposed, q, scores, skip]);
}
