/**
 * `UNet2DModel`: the denoising U-Net of Ho et al. 2020 (after Ronneberger et al. 2015) with diffusers'
 * configuration, parameter names and numbers. Weights are tfjs variables (trainable with any tfjs
 * optimiser); diffusers model folders load into it and it saves them back.
 */
import {
  type Denoiser,
  type DenoiserInput,
  type JsonValue,
  NoiseGenerator,
  StateError,
  ValueError,
} from '@diffuse/core';
import { type DiffusersModelFiles, fetchDiffusersModel, writeSafetensors } from '@diffuse/io';
import * as tf from '@tensorflow/tfjs-core';
import { type NamedArray, weightsFromDiffusers, weightsToDiffusers } from './diffusers-weights.js';
import { DEFAULT_UNET_KERNELS, type ForwardContext, type UNetKernels } from './forward-context.js';
import { countParametersOf, initialValues } from './parameter-spec.js';
import {
  readUNet2DConfig,
  resolveUNet2DConfig,
  type UNet2DConfig,
  type UNet2DConfigInput,
  writeUNet2DConfig,
} from './unet-config.js';
import { unet2DForward } from './unet-forward.js';
import { checkIndices, prepareClassLabels, prepareSample, prepareTimesteps } from './unet-inputs.js';
import { countUNet2DParameters, planUNet2D, type UNet2DPlan } from './unet-plan.js';

/** Options of a {@link UNet2DModel} beyond its config. */
export interface UNet2DModelOptions {
  /** Seed of the weight initialisation and of the dropout masks (default 0). Not with `generator`. */
  seed?: number;
  /** Counter-based generator for the initialisation and the dropout masks. Not with `seed`. */
  generator?: NoiseGenerator;
  /** Replacement GroupNorm / attention kernels (e.g. fused ones for a backend). */
  kernels?: Partial<UNetKernels>;
  /**
   * Initial weights in tfjs layouts (conv HWIO, linear [in, out]) by diffusers name, instead of a random
   * initialisation; every parameter must be present. Loaders use it; prefer {@link UNet2DModel.fromFiles}.
   */
  initialValues?: ReadonlyMap<string, Float32Array>;
}

/** A constructor of a {@link UNet2DModel} (or a subclass), for the static factories. */
export type UNet2DModelConstructor<M extends UNet2DModel> = new (
  config?: UNet2DConfigInput,
  options?: UNet2DModelOptions,
) => M;

/** A diffusers model as bytes: `config.json`'s object and the safetensors file. */
export interface UNet2DModelBytes {
  config: Record<string, JsonValue>;
  weights: Uint8Array;
}

/**
 * diffusers' `UNet2DModel` on TensorFlow.js (NHWC). `predict` takes one timestep per batch item (or
 * one for all) and returns `[batch, height, width, outChannels]`.
 *
 * @example
 * const model = new UNet2DModel({ sampleSize: 32, blockOutChannels: [32, 64], normNumGroups: 8,
 *   downBlockTypes: ['DownBlock2D', 'AttnDownBlock2D'], upBlockTypes: ['AttnUpBlock2D', 'UpBlock2D'] });
 * const epsilon = model.predict({ sample: tf.randomNormal([2, 32, 32, 3]), timestep: [10, 500] });
 */
export class UNet2DModel implements Denoiser {
  /** The resolved config, camelCase. */
  readonly unetConfig: Readonly<UNet2DConfig>;
  private readonly plan: UNet2DPlan;
  private readonly variables: Map<string, tf.Variable>;
  private readonly kernels: UNetKernels;
  private readonly generator: NoiseGenerator;
  /**
   * The counter that dropout masks are drawn at; each training `predict` uses it and advances it by one.
   * Save and restore it with a checkpoint to resume with the same masks.
   */
  dropoutStep = 0;
  private disposed = false;

  constructor(config: UNet2DConfigInput = {}, options: UNet2DModelOptions = {}) {
    if (options.seed !== undefined && options.generator !== undefined) {
      throw new ValueError({
        argument: 'options',
        expected: 'either `seed` or `generator`, not both',
        received: 'both',
      });
    }
    const resolved = resolveUNet2DConfig(config);
    for (const value of Object.values(resolved)) if (Array.isArray(value)) Object.freeze(value);
    this.unetConfig = Object.freeze(resolved);
    this.plan = planUNet2D(this.unetConfig);
    this.kernels = { ...DEFAULT_UNET_KERNELS, ...options.kernels };
    this.generator = options.generator ?? new NoiseGenerator(options.seed ?? 0);
    if (options.initialValues !== undefined) {
      const missing = this.plan.parameters.filter((spec) => !options.initialValues?.has(spec.name));
      if (missing.length > 0) {
        throw new ValueError({
          argument: 'options.initialValues',
          expected: 'a value for every parameter',
          received: `none for ${missing.map((spec) => spec.name).join(', ')}`,
        });
      }
    }
    this.variables = new Map();
    this.plan.parameters.forEach((spec, index) => {
      const values = options.initialValues?.get(spec.name) ?? initialValues(spec, this.generator, index);
      const initial = tf.tensor(values, [...spec.shape], 'float32');
      this.variables.set(spec.name, tf.variable(initial, spec.trainable));
      initial.dispose();
    });
  }

  /**
   * Builds a model from a diffusers `config.json` object (snake_case or camelCase; unknown keys warn),
   * randomly initialised.
   *
   * @example
   * const model = UNet2DModel.fromConfig({ _class_name: 'UNet2DModel', block_out_channels: [32, 64], ... });
   */
  static fromConfig<M extends UNet2DModel>(
    this: UNet2DModelConstructor<M>,
    json: unknown,
    options: UNet2DModelOptions = {},
  ): M {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the factory was called on
    return new this(readUNet2DConfig(json), options);
  }

  /**
   * Builds a model from parsed diffusers files (`parseDiffusersModel` / `fetchDiffusersModel` of
   * `@diffuse/io`). Legacy attention names load; missing, unexpected or mis-shaped weights throw a
   * `WeightMismatchError` listing them.
   *
   * @example
   * const model = UNet2DModel.fromFiles(parseDiffusersModel({ config: configText, weights: bytes }));
   */
  static fromFiles<M extends UNet2DModel>(
    this: UNet2DModelConstructor<M>,
    files: DiffusersModelFiles,
    options: Omit<UNet2DModelOptions, 'initialValues'> = {},
  ): M {
    const config = readUNet2DConfig(files.config);
    const { parameters } = planUNet2D(config);
    const values = weightsFromDiffusers({ specs: parameters, tensors: files.weights.tensors, source: 'weights' });
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the factory was called on
    return new this(config, { ...options, initialValues: values });
  }

  /**
   * Downloads `config.json` and `diffusion_pytorch_model.safetensors` from `url` and builds the model.
   *
   * @example
   * const model = await UNet2DModel.fromUrl('https://huggingface.co/google/ddpm-cifar10-32/resolve/main');
   */
  static async fromUrl<M extends UNet2DModel>(
    this: UNet2DModelConstructor<M> & typeof UNet2DModel,
    url: string,
    options: Omit<UNet2DModelOptions, 'initialValues'> & { fetch?: typeof fetch } = {},
  ): Promise<M> {
    const { fetch: fetchFunction, ...modelOptions } = options;
    const files = await fetchDiffusersModel(url, fetchFunction === undefined ? {} : { fetch: fetchFunction });
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the factory was called on
    return this.fromFiles(files, modelOptions) as M;
  }

  /**
   * The number of parameters of a config (diffusers' `num_parameters()`), without allocating.
   *
   * @example
   * UNet2DModel.countParameters({ blockOutChannels: [32, 64], ... });
   */
  static countParameters(config: UNet2DConfigInput): number {
    return countUNet2DParameters(config);
  }

  /** The config as diffusers writes it: snake_case keys, `_class_name`, `_diffusers_version`. */
  get config(): Record<string, JsonValue> {
    return writeUNet2DConfig(this.unetConfig);
  }

  /** The number of parameters (including the fixed Fourier projection, as diffusers counts). */
  get numParameters(): number {
    return countParametersOf(this.plan.parameters);
  }

  /** Every weight by diffusers name, in diffusers' order (tfjs layouts: conv HWIO, linear [in, out]). */
  parameters(): Map<string, tf.Variable> {
    this.assertLive();
    return new Map(this.variables);
  }

  /** The trainable weights, for tfjs optimisers (`optimizer.minimize(loss, false, model.trainableVariables)`). */
  get trainableVariables(): tf.Variable[] {
    this.assertLive();
    return [...this.variables.values()].filter((variable) => variable.trainable);
  }

  /**
   * Predicts ε (or x₀/v, per training) for `sample` at `timestep`; returns a new tensor the caller owns.
   * Dropout is active only with `training: true`.
   */
  predict(input: DenoiserInput): tf.Tensor4D {
    this.assertLive();
    if (input.context !== undefined) {
      throw new ValueError({
        argument: 'context',
        expected: 'none: UNet2DModel has no cross-attention (diffusers passes no encoder_hidden_states to it)',
        received: input.context,
      });
    }
    const { plan } = this;
    const dropoutNoise =
      input.training === true && plan.config.dropout > 0
        ? { generator: this.generator, step: this.dropoutStep++ }
        : undefined;
    const context: ForwardContext = {
      weights: this.variables,
      kernels: this.kernels,
      ...(dropoutNoise === undefined ? {} : { dropoutNoise }),
    };
    return tf.tidy(() => {
      const sample = prepareSample(plan, input.sample);
      const batch = sample.shape[0];
      if (plan.config.timeEmbeddingType === 'learned' && !(input.timestep instanceof tf.Tensor)) {
        checkIndices('timestep', input.timestep, plan.config.numTrainTimesteps ?? 0);
      }
      const timesteps = prepareTimesteps(input.timestep, batch);
      const classLabels = prepareClassLabels(plan, input.classLabels, batch);
      return unet2DForward(context, plan, {
        sample,
        timesteps,
        ...(classLabels === undefined ? {} : { classLabels }),
      });
    });
  }

  /** The weights as a diffusers state dict: PyTorch layouts (conv OIHW, linear [out, in]), diffusers names. */
  async stateDict(): Promise<Map<string, NamedArray>> {
    this.assertLive();
    const values = new Map<string, Float32Array>();
    for (const [name, variable] of this.variables) values.set(name, (await variable.data()) as Float32Array);
    return weightsToDiffusers({ specs: this.plan.parameters, values });
  }

  /**
   * Replaces the weights with a diffusers state dict (same checks and renames as {@link fromFiles}).
   *
   * @example
   * model.loadStateDict(readSafetensors(bytes).tensors);
   */
  loadStateDict(tensors: ReadonlyMap<string, NamedArray>, options: { source?: string } = {}): void {
    this.assertLive();
    const values = weightsFromDiffusers({ specs: this.plan.parameters, tensors, source: options.source ?? 'weights' });
    for (const spec of this.plan.parameters) {
      const variable = this.variables.get(spec.name)!;
      tf.tidy(() => variable.assign(tf.tensor(values.get(spec.name)!, [...spec.shape], 'float32')));
    }
  }

  /**
   * The model as diffusers files in memory: `config.json`'s object and the safetensors bytes
   * (metadata `format: pt`), readable by diffusers' `from_pretrained` once written to a folder.
   *
   * @example
   * const { config, weights } = await model.toFiles();
   */
  async toFiles(options: { dtype?: 'F32' | 'F16' | 'BF16' } = {}): Promise<UNet2DModelBytes> {
    const tensors = await this.stateDict();
    const weights = writeSafetensors({ tensors, metadata: { format: 'pt' }, ...options });
    return { config: this.config, weights };
  }

  /** Releases every weight; the model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const variable of this.variables.values()) variable.dispose();
    this.variables.clear();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) {
      throw new StateError({
        argument: 'UNet2DModel',
        expected: 'a model that has not been disposed',
        received: 'disposed',
      });
    }
  }
}
