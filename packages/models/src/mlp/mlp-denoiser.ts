/**
 * A small MLP denoiser for low-dimensional data (2-D toy distributions): the sample x ∈ ℝᵈ (a batch of
 * [batch, 1, 1, d] NHWC tensors) and a sinusoidal embedding of t go through `numLayers` SiLU layers of
 * width `hiddenSize`, with the time embedding concatenated to the input of every layer, then a linear
 * output back to ℝᵈ:
 *
 *     e = sinusoidal(t);  h₀ = x;  h_{i+1} = SiLU(W_i·[h_i, e] + b_i);  output = W_out·h_L + b_out
 *
 * Weights are named `layers.<i>.kernel` ([in, out]), `layers.<i>.bias`, `output.kernel`, `output.bias`.
 * Initialisation is PyTorch's `nn.Linear` default (uniform ±1/√fan_in), drawn from a seeded
 * counter-based generator, so a seed gives the same network on every backend.
 */
import {
  type Denoiser,
  type DenoiserInput,
  NoiseGenerator,
  readDiffusersConfig,
  requireInteger,
  ShapeError,
  StateError,
  type Timesteps,
  ValueError,
  writeDiffusersConfig,
} from '@diffuse/core';
import {
  concat,
  type Tensor,
  type Tensor1D,
  type Tensor4D,
  tensor,
  tensor1d,
  tidy,
  type Variable,
  variable,
} from '@tensorflow/tfjs-core';
import { sinusoidalEmbedding } from './sinusoidal-embedding.js';

/** Configuration of {@link MlpDenoiser}. */
export interface MlpDenoiserConfig {
  /** Dimension d of a data point (the channel count of the [batch, 1, 1, d] samples). Default 2. */
  dimension: number;
  /** Width of the hidden layers. Default 128. */
  hiddenSize: number;
  /** Number of hidden SiLU layers. Default 3. */
  numLayers: number;
  /** Size of the sinusoidal time embedding (even). Default 32. */
  timeEmbeddingDimension: number;
}

const CONFIG_KEYS = ['dimension', 'hiddenSize', 'numLayers', 'timeEmbeddingDimension'] as const;
/** The `_class_name` of a saved MLP config. */
export const MLP_DENOISER_CLASS_NAME = 'MlpDenoiser';

/** A named float32 array (the shape `@diffuse/io`'s `writeSafetensors` takes and `readSafetensors` returns). */
export interface WeightArray {
  shape: readonly number[];
  data: Float32Array;
}

function resolveConfig(config: Partial<MlpDenoiserConfig>): MlpDenoiserConfig {
  const timeEmbeddingDimension = requireInteger('timeEmbeddingDimension', config.timeEmbeddingDimension ?? 32, {
    min: 2,
  });
  if (timeEmbeddingDimension % 2 !== 0) {
    throw new ValueError({
      argument: 'timeEmbeddingDimension',
      expected: 'an even integer',
      received: timeEmbeddingDimension,
    });
  }
  return {
    dimension: requireInteger('dimension', config.dimension ?? 2, { min: 1 }),
    hiddenSize: requireInteger('hiddenSize', config.hiddenSize ?? 128, { min: 1 }),
    numLayers: requireInteger('numLayers', config.numLayers ?? 3, { min: 1 }),
    timeEmbeddingDimension,
  };
}

/**
 * MLP denoiser for points in ℝᵈ, implementing the core `Denoiser` spec.
 *
 * @example
 * const model = new MlpDenoiser({ config: { hiddenSize: 128, numLayers: 3 }, seed: 0 });
 * const output = model.predict({ sample: tf.zeros([8, 1, 1, 2]), timestep: 500 }); // [8, 1, 1, 2]
 * output.dispose();
 * model.dispose();
 */
export class MlpDenoiser implements Denoiser {
  readonly config: Readonly<MlpDenoiserConfig>;
  /** The weights by name (live variables, owned by the model). */
  readonly namedVariables: Readonly<Record<string, Variable>>;
  private disposed = false;

  constructor(options: { config?: Partial<MlpDenoiserConfig>; seed?: number } = {}) {
    this.config = resolveConfig(options.config ?? {});
    const generator = new NoiseGenerator(options.seed ?? 0);
    const { dimension, hiddenSize, numLayers, timeEmbeddingDimension } = this.config;
    const shapes: [string, number, number][] = [];
    let fanIn = dimension;
    for (let i = 0; i < numLayers; i++) {
      shapes.push([`layers.${i}`, fanIn + timeEmbeddingDimension, hiddenSize]);
      fanIn = hiddenSize;
    }
    shapes.push(['output', hiddenSize, dimension]);
    const variables: Record<string, Variable> = {};
    for (const [name, inputs, outputs] of shapes) {
      const bound = 1 / Math.sqrt(inputs);
      // uniform(−bound, bound), as PyTorch's nn.Linear initialises both weight and bias.
      const draw = (shape: number[], stream: string) =>
        tidy(() => {
          const uniform = tensor(generator.uniformArray({ shape: [1, ...shape], step: 0, stream }), shape);
          return variable(uniform.mul(2 * bound).sub(bound), true);
        });
      variables[`${name}.kernel`] = draw([inputs, outputs], `${name}.kernel`);
      variables[`${name}.bias`] = draw([outputs], `${name}.bias`);
    }
    this.namedVariables = variables;
  }

  /** The trainable variables (the values of {@link namedVariables}). */
  get trainableVariables(): readonly Variable[] {
    return Object.values(this.namedVariables);
  }

  /** Predicts for samples [batch, 1, 1, d]; returns [batch, 1, 1, d] (owned by the caller). */
  predict(input: DenoiserInput): Tensor4D {
    this.assertLive();
    const { sample } = input;
    const { dimension, numLayers, timeEmbeddingDimension } = this.config;
    if (sample.rank !== 4 || sample.shape[1] !== 1 || sample.shape[2] !== 1 || sample.shape[3] !== dimension) {
      throw new ShapeError({
        argument: 'sample',
        expected: `shape [batch, 1, 1, ${dimension}] (points as NHWC)`,
        received: sample.shape,
      });
    }
    const batch = sample.shape[0];
    return tidy(() => {
      const embedding = sinusoidalEmbedding(timestepTensor(input.timestep, batch), timeEmbeddingDimension);
      let hidden: Tensor = sample.reshape([batch, dimension]);
      for (let i = 0; i < numLayers; i++) {
        const kernel = this.namedVariables[`layers.${i}.kernel`]!;
        const bias = this.namedVariables[`layers.${i}.bias`]!;
        const preActivation = concat([hidden, embedding], 1).matMul(kernel).add(bias);
        hidden = preActivation.mul(preActivation.sigmoid());
      }
      const output = hidden.matMul(this.namedVariables['output.kernel']!).add(this.namedVariables['output.bias']!);
      return output.reshape([batch, 1, 1, dimension]) as Tensor4D;
    });
  }

  /** The config as diffusers-style JSON (`_class_name: "MlpDenoiser"`, snake_case keys). */
  toConfigJson(): Record<string, unknown> {
    return writeDiffusersConfig({ className: MLP_DENOISER_CLASS_NAME, config: this.config });
  }

  /** The weights as named float32 arrays (for `writeSafetensors`/`writeDiffusersModelFolder`). */
  async getWeightArrays(): Promise<Record<string, WeightArray>> {
    this.assertLive();
    const out: Record<string, WeightArray> = {};
    for (const [name, value] of Object.entries(this.namedVariables)) {
      out[name] = { shape: [...value.shape], data: (await value.data()) as Float32Array };
    }
    return out;
  }

  /** Replaces the weights with `weights` (every name, matching shapes); copies the data. */
  loadWeightArrays(weights: ReadonlyMap<string, WeightArray> | Readonly<Record<string, WeightArray>>): void {
    this.assertLive();
    const lookup = (name: string) =>
      weights instanceof Map ? weights.get(name) : (weights as Record<string, WeightArray>)[name];
    const names = Object.keys(this.namedVariables);
    const given = weights instanceof Map ? [...weights.keys()] : Object.keys(weights);
    const unknown = given.filter((name) => !(name in this.namedVariables));
    if (unknown.length > 0) {
      throw new ValueError({ argument: 'weights', expected: `only the names ${names.join(', ')}`, received: unknown });
    }
    for (const name of names) {
      const target = this.namedVariables[name]!;
      const source = lookup(name);
      if (!source || source.shape.join() !== target.shape.join()) {
        throw new ShapeError({
          argument: `weights.${name}`,
          expected: `shape [${target.shape.join(', ')}]`,
          received: source ? source.shape : undefined,
        });
      }
      tidy(() => target.assign(tensor(source.data, [...source.shape], 'float32')));
    }
  }

  /**
   * Builds a model from a saved config (diffusers-style JSON or camelCase) and weights, e.g. the result of
   * `@diffuse/io`'s `readDiffusersModelFolder`.
   *
   * @example
   * const { config, weights } = await readDiffusersModelFolder('runs/moons/checkpoint-3000/model');
   * const model = MlpDenoiser.fromConfigAndWeights({ config, weights: weights.tensors });
   */
  static fromConfigAndWeights(input: {
    config: unknown;
    weights: ReadonlyMap<string, WeightArray> | Readonly<Record<string, WeightArray>>;
  }): MlpDenoiser {
    const parsed = readDiffusersConfig<MlpDenoiserConfig>({
      json: input.config,
      knownKeys: CONFIG_KEYS,
      argument: 'config',
      onUnknownKeys: 'error',
    });
    if (parsed.className !== undefined && parsed.className !== MLP_DENOISER_CLASS_NAME) {
      throw new ValueError({
        argument: 'config._class_name',
        expected: `"${MLP_DENOISER_CLASS_NAME}"`,
        received: parsed.className,
      });
    }
    const model = new MlpDenoiser({ config: parsed.config });
    try {
      model.loadWeightArrays(input.weights);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  }

  /** Frees the weights. */
  dispose(): void {
    if (this.disposed) return;
    for (const value of Object.values(this.namedVariables)) value.dispose();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed)
      throw new StateError({ argument: 'model', expected: 'a live MlpDenoiser', received: 'disposed' });
  }
}

/** Timesteps (scalar, list or 1-D tensor) as a float32 [batch] tensor. */
function timestepTensor(timestep: Timesteps, batch: number): Tensor1D {
  if (typeof timestep === 'number') return tensor1d(new Array<number>(batch).fill(timestep));
  if (Array.isArray(timestep) || ArrayBuffer.isView(timestep)) {
    const list = timestep as readonly number[];
    if (list.length !== batch) {
      throw new ShapeError({ argument: 'timestep', expected: `${batch} timesteps (one per example)`, received: list });
    }
    return tensor1d([...list]);
  }
  const tensorTimesteps = timestep as Tensor1D;
  if (tensorTimesteps.rank === 0) return tensorTimesteps.reshape([1]).tile([batch]) as Tensor1D;
  if (tensorTimesteps.rank !== 1 || (tensorTimesteps.shape[0] !== batch && tensorTimesteps.shape[0] !== 1)) {
    throw new ShapeError({ argument: 'timestep', expected: `a [${batch}] tensor`, received: tensorTimesteps.shape });
  }
  return (
    tensorTimesteps.shape[0] === batch ? tensorTimesteps.toFloat() : tensorTimesteps.toFloat().tile([batch])
  ) as Tensor1D;
}
