/**
 * The speed-ups must not change results: loss and every parameter gradient of the reference U-Net's
 * training step on wasm (with @diffuse's kernels) against tfjs-backend-cpu, same weights and data.
 *
 *   node packages/backends/bench/run.mjs packages/integration/bench/training-parity.ts <out.json>
 */
import { writeFileSync } from 'node:fs';
import { initBackend } from '@diffuse/backends';
import { NoiseGenerator } from '@diffuse/core';
import { UNet2DModel } from '@diffuse/models';
import * as tf from '@tensorflow/tfjs-core';
import { FASHION_MNIST_UNET } from './unet-configs.js';

async function lossAndGradients(backend: 'cpu' | 'wasm') {
  const choice = await initBackend({ prefer: backend, env: {} });
  const unet = new UNet2DModel(FASHION_MNIST_UNET.config, { seed: 0 });
  const generator = new NoiseGenerator(9);
  const sample = generator.normal({ shape: [2, ...FASHION_MNIST_UNET.image], step: 0, stream: 'x' }) as tf.Tensor4D;
  const noise = generator.normal({ shape: [2, ...FASHION_MNIST_UNET.image], step: 0, stream: 'noise' });
  const { value, grads } = tf.variableGrads(
    () => tf.losses.meanSquaredError(noise, unet.predict({ sample, timestep: [10, 700] })) as tf.Scalar,
    unet.trainableVariables,
  );
  const names = [...unet.parameters()].map(([name, variable]) => ({ name, id: variable.name }));
  const values = [await value.data(), ...(await Promise.all(names.map(({ id }) => (grads[id] as tf.Tensor).data())))];
  tf.dispose([value, sample, noise, ...Object.values(grads)]);
  unet.dispose();
  return { details: choice.details, labels: ['loss', ...names.map(({ name }) => name)], values };
}

const expected = await lossAndGradients('cpu');
const actual = await lossAndGradients('wasm');
let worst = { error: 0, tensor: '' };
expected.values.forEach((reference, i) => {
  const candidate = actual.values[i] as ArrayLike<number>;
  for (let j = 0; j < reference.length; j++) {
    const error =
      Math.abs((candidate[j] as number) - (reference[j] as number)) / Math.max(1, Math.abs(reference[j] as number));
    if (error > worst.error) worst = { error, tensor: expected.labels[i] as string };
  }
});
const result = {
  model: FASHION_MNIST_UNET.name,
  batch: 2,
  tensorsCompared: expected.values.length,
  lossCpu: expected.values[0]?.[0],
  lossWasm: actual.values[0]?.[0],
  maxRelativeError: worst.error,
  worstTensor: worst.tensor,
  wasm: actual.details,
};
console.log(JSON.stringify(result));
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
