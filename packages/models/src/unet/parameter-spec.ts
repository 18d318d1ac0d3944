/**
 * Parameter specs: the name (diffusers'), tfjs shape, PyTorch layout and initialiser of every weight.
 * Each block lists its own parameters next to its forward function; the model builds its variables from
 * the concatenated table, and {@link countParametersOf} counts them without allocating anything.
 */
import { ConfigError, type NoiseGenerator } from '@diffuse/core';

/** How a weight is laid out in PyTorch relative to tfjs. */
export type ParameterLayout =
  /** conv kernel: tfjs HWIO `[kh, kw, in, out]`, PyTorch OIHW `[out, in, kh, kw]`. */
  | 'conv2d'
  /** linear weight: tfjs `[in, out]`, PyTorch `[out, in]`. */
  | 'linear'
  /** biases, norm scales, embedding tables: the same in both. */
  | 'same';

/** How a fresh weight is drawn (PyTorch's default initialisers). */
export type ParameterInit =
  | { kind: 'uniform'; bound: number }
  | { kind: 'constant'; value: number }
  | { kind: 'normal'; std: number };

/** One weight of the model. */
export interface ParameterSpec {
  /** diffusers' state-dict name, e.g. `down_blocks.0.resnets.0.conv1.weight`. */
  name: string;
  /** Shape in tfjs layout. */
  shape: readonly number[];
  layout: ParameterLayout;
  init: ParameterInit;
  /** False for fixed buffers stored as parameters (the Fourier projection's `W`). */
  trainable: boolean;
}

/**
 * Specs of `nn.Conv2d(inChannels, outChannels, kernelSize)` at `prefix` (PyTorch default init).
 *
 * @example
 * convParameters('conv_in', { inChannels: 3, outChannels: 64, kernelSize: 3 }); // weight [3, 3, 3, 64], bias [64]
 */
export function convParameters(
  prefix: string,
  options: { inChannels: number; outChannels: number; kernelSize: number },
): ParameterSpec[] {
  const { inChannels, outChannels, kernelSize } = options;
  const bound = 1 / Math.sqrt(inChannels * kernelSize * kernelSize);
  return [
    {
      name: `${prefix}.weight`,
      shape: [kernelSize, kernelSize, inChannels, outChannels],
      layout: 'conv2d',
      init: { kind: 'uniform', bound },
      trainable: true,
    },
    { name: `${prefix}.bias`, shape: [outChannels], layout: 'same', init: { kind: 'uniform', bound }, trainable: true },
  ];
}

/**
 * Specs of `nn.Linear(inFeatures, outFeatures)` at `prefix` (PyTorch default init).
 *
 * @example
 * linearParameters('time_embedding.linear_1', { inFeatures: 64, outFeatures: 256 }); // weight [64, 256], bias [256]
 */
export function linearParameters(
  prefix: string,
  options: { inFeatures: number; outFeatures: number },
): ParameterSpec[] {
  const { inFeatures, outFeatures } = options;
  const bound = 1 / Math.sqrt(inFeatures);
  return [
    {
      name: `${prefix}.weight`,
      shape: [inFeatures, outFeatures],
      layout: 'linear',
      init: { kind: 'uniform', bound },
      trainable: true,
    },
    { name: `${prefix}.bias`, shape: [outFeatures], layout: 'same', init: { kind: 'uniform', bound }, trainable: true },
  ];
}

/**
 * Specs of `nn.GroupNorm(groups, channels)` at `prefix`; a `ConfigError` unless groups divide channels.
 *
 * @example
 * groupNormParameters('conv_norm_out', { channels: 64, groups: 32 }); // weight and bias [64]
 */
export function groupNormParameters(prefix: string, options: { channels: number; groups: number }): ParameterSpec[] {
  const { channels, groups } = options;
  if (channels % groups !== 0) {
    throw new ConfigError({
      argument: 'normNumGroups',
      expected: `a divisor of the ${channels} channels of ${prefix}`,
      received: groups,
    });
  }
  return [
    {
      name: `${prefix}.weight`,
      shape: [channels],
      layout: 'same',
      init: { kind: 'constant', value: 1 },
      trainable: true,
    },
    {
      name: `${prefix}.bias`,
      shape: [channels],
      layout: 'same',
      init: { kind: 'constant', value: 0 },
      trainable: true,
    },
  ];
}

/**
 * Specs of `nn.Embedding(rows, dim)` at `prefix` (N(0, 1) init).
 *
 * @example
 * embeddingParameters('class_embedding', { rows: 10, dim: 256 }); // weight [10, 256]
 */
export function embeddingParameters(prefix: string, options: { rows: number; dim: number }): ParameterSpec[] {
  return [
    {
      name: `${prefix}.weight`,
      shape: [options.rows, options.dim],
      layout: 'same',
      init: { kind: 'normal', std: 1 },
      trainable: true,
    },
  ];
}

/**
 * Number of scalars in a shape.
 *
 * @example
 * sizeOf([3, 3, 64, 64]); // 36864
 */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Total number of scalars in a spec table (diffusers' `num_parameters()`).
 *
 * @example
 * countParametersOf(planUNet2D(config).parameters);
 */
export function countParametersOf(specs: readonly ParameterSpec[]): number {
  return specs.reduce((total, spec) => total + sizeOf(spec.shape), 0);
}

/**
 * The PyTorch shape of a parameter.
 *
 * @example
 * torchShape(convParameters('conv_in', { inChannels: 3, outChannels: 64, kernelSize: 3 })[0]!); // [64, 3, 3, 3]
 */
export function torchShape(spec: ParameterSpec): number[] {
  const shape = [...spec.shape];
  if (spec.layout === 'conv2d') {
    const [kh, kw, inChannels, outChannels] = shape as [number, number, number, number];
    return [outChannels, inChannels, kh, kw];
  }
  if (spec.layout === 'linear') return [shape[1]!, shape[0]!];
  return shape;
}

/**
 * Copies `data` (PyTorch layout) into tfjs layout.
 *
 * @example
 * const hwio = fromTorchLayout(spec, oihwValues);
 */
export function fromTorchLayout(spec: ParameterSpec, data: Float32Array): Float32Array {
  return convertLayout(spec, data, 'from-torch');
}

/**
 * Copies `data` (tfjs layout) into PyTorch layout.
 *
 * @example
 * const oihw = toTorchLayout(spec, await variable.data() as Float32Array);
 */
export function toTorchLayout(spec: ParameterSpec, data: Float32Array): Float32Array {
  return convertLayout(spec, data, 'to-torch');
}

/** Linear [out, in] ↔ [in, out]; conv torch [o][i][y][x] ↔ tfjs [y][x][i][o]. */
function convertLayout(spec: ParameterSpec, data: Float32Array, direction: 'from-torch' | 'to-torch'): Float32Array {
  if (spec.layout === 'same') return data;
  if (spec.layout === 'linear') {
    const [inFeatures, outFeatures] = spec.shape as [number, number];
    return direction === 'from-torch'
      ? transpose2d(data, outFeatures, inFeatures)
      : transpose2d(data, inFeatures, outFeatures);
  }
  const [kh, kw, inChannels, outChannels] = spec.shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let o = 0; o < outChannels; o++) {
    for (let i = 0; i < inChannels; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const torchIndex = ((o * inChannels + i) * kh + y) * kw + x;
          const tfjsIndex = ((y * kw + x) * inChannels + i) * outChannels + o;
          if (direction === 'from-torch') out[tfjsIndex] = data[torchIndex]!;
          else out[torchIndex] = data[tfjsIndex]!;
        }
      }
    }
  }
  return out;
}

function transpose2d(data: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) out[c * rows + r] = data[r * columns + c]!;
  }
  return out;
}

/**
 * Fresh values for parameter number `index` of a model: deterministic in (generator seed, index), with
 * PyTorch's default distributions (conv/linear U(±1/√fan_in), GroupNorm 1 and 0, embeddings N(0, 1)).
 *
 * @example
 * const values = initialValues(spec, new NoiseGenerator(0), 0);
 */
export function initialValues(spec: ParameterSpec, generator: NoiseGenerator, index: number): Float32Array {
  const size = sizeOf(spec.shape);
  const { init } = spec;
  if (init.kind === 'constant') return new Float32Array(size).fill(init.value);
  const draw = { shape: [1, size], step: index, stream: 'unet-init' };
  if (init.kind === 'normal') {
    const values = generator.normalArray(draw);
    if (init.std !== 1) for (let i = 0; i < size; i++) values[i] = values[i]! * init.std;
    return values;
  }
  const values = generator.uniformArray(draw);
  for (let i = 0; i < size; i++) values[i] = (values[i]! * 2 - 1) * init.bound;
  return values;
}
