/**
 * The U-Nets the benchmarks measure, and the analytic FLOP count of what a backend executes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readUNet2DConfig, type UNet2DConfig, type UNet2DConfigInput } from '@diffuse/models';
import * as tf from '@tensorflow/tfjs-core';
import { DDPM_CIFAR10_CONFIG } from '../../models/test/unet/ddpm-cifar10-config.js';

/** A benchmarked model: its config, image shape and whether a training step is measured. */
export interface BenchModel {
  name: string;
  description: string;
  config: UNet2DConfigInput;
  image: [number, number, number];
  train: boolean;
}

/** The committed pretrained Fashion-MNIST model's folder (trained by `diffuse train`, the training demo). */
export const FASHION_MNIST_CONFIG_PATH = 'apps/cli/pretrained/fashion-mnist-unet/config.json';

function readCommittedConfig(): UNet2DConfig {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  return readUNet2DConfig(JSON.parse(readFileSync(join(root, FASHION_MNIST_CONFIG_PATH), 'utf8')), {
    argument: FASHION_MNIST_CONFIG_PATH,
  });
}

/** `[height, width]` of a config's `sampleSize`. */
function imageSize(config: UNet2DConfig): [number, number] {
  const size = config.sampleSize;
  if (size === null) throw new Error(`${FASHION_MNIST_CONFIG_PATH} has no sample_size`);
  return typeof size === 'number' ? [size, size] : size;
}

function describe(config: UNet2DConfig): string {
  const [height, width] = imageSize(config);
  const attention = config.downBlockTypes
    .map((type, level) => (type.startsWith('Attn') ? `${height / 2 ** level}×${width / 2 ** level}` : ''))
    .filter(Boolean);
  return (
    `UNet2DModel ${height}×${width}×${config.inChannels}, ` +
    `blockOutChannels [${config.blockOutChannels.join(', ')}], layersPerBlock ${config.layersPerBlock}, ` +
    `attention at ${attention.join(', ') || 'no level'} and in the mid block, normNumGroups ${config.normNumGroups}`
  );
}

const committed = readCommittedConfig();

/**
 * Reference small U-Net: the configuration of the committed pretrained Fashion-MNIST model (the one the
 * training demo, `diffuse train`, produces), read from its `config.json` so the two cannot drift apart.
 * At the time of writing: 28×28×1, three levels of 16/32/64 channels (28 → 14 → 7), one ResNet block per
 * level, attention only at 7×7 (AttnDownBlock2D/AttnUpBlock2D) and in the mid block, 8-channel heads.
 */
export const FASHION_MNIST_UNET: BenchModel = {
  name: 'fashion-mnist-unet',
  description: `${describe(committed)} (${FASHION_MNIST_CONFIG_PATH})`,
  config: committed,
  image: [...imageSize(committed), committed.inChannels],
  train: true,
};

/** diffusers' `google/ddpm-cifar10-32` configuration (35.7 M parameters), forward only. */
export const DDPM_CIFAR10: BenchModel = {
  name: 'ddpm-cifar10-32',
  description: 'google/ddpm-cifar10-32 config: 32×32×3, blockOutChannels [128, 256, 256, 256], layersPerBlock 2',
  config: DDPM_CIFAR10_CONFIG,
  image: [32, 32, 3],
  train: false,
};

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Multiply-adds ×2 of one executed kernel, from its input shapes: convolutions (forward and both
 * gradients) and matrix products. Elementwise work (norms, activations, softmax, the optimiser) is not
 * counted: GFLOP/s here measure the dense math.
 */
export function kernelFlops(
  name: string,
  inputShapes: readonly (readonly number[])[],
  output: readonly number[],
): number {
  const [first, second] = inputShapes;
  if (!first || !second) return 0;
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      // x [N,H,W,Ci], filter [kh,kw,Ci,Co], output [N,Ho,Wo,Co]
      const [kh = 0, kw = 0, ci = 0] = second;
      return 2 * product(output) * kh * kw * ci;
    }
    case 'Conv2DBackpropInput': {
      // dy [N,Ho,Wo,Co], filter [kh,kw,Ci,Co]: the same products as the forward pass
      const [kh = 0, kw = 0, ci = 0] = second;
      return 2 * product(first) * kh * kw * ci;
    }
    case 'Conv2DBackpropFilter': {
      // x [N,H,W,Ci], dy [N,Ho,Wo,Co], output dW [kh,kw,Ci,Co]
      return 2 * product(second) * product(output.slice(0, 3));
    }
    case 'BatchMatMul':
    case '_FusedMatMul': {
      // output [..., M, N]; a is [..., M, K] or (transposed) [..., K, M]
      const rows = output.at(-2);
      const inner = first.at(-2) === rows ? first.at(-1) : first.at(-2);
      return 2 * product(output) * (inner ?? 0);
    }
    default:
      return 0;
  }
}

/** FLOPs (analytic, see {@link kernelFlops}) of everything `body` executes, from `tf.profile`. */
export async function countFlops(body: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const info = await tf.profile(body);
  tf.dispose(info.result as tf.Tensor | tf.Tensor[]);
  let flops = 0;
  for (const kernel of info.kernels) {
    flops += kernelFlops(kernel.name, kernel.inputShapes, kernel.outputShapes[0] ?? []);
  }
  return flops;
}
