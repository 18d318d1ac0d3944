/**
 * What DDPM and DDIM share, as diffusers' `SchedulerMixin` + `ConfigMixin` do: the schedule, the
 * timesteps, the config, `addNoise` / `getVelocity`, and the checks and noise of a step.
 */
import type {
  JsonValue,
  PredictionType,
  Sampler,
  SamplerStepOptions,
  SamplerStepOutput,
  SetTimestepsOptions,
  Timesteps,
} from '@diffuse/core';
import { assertRank, assertShape, requireInteger, StateError, ValueError, writeDiffusersConfig } from '@diffuse/core';
import { addNoise, getVelocity, predictionToOriginal } from '@diffuse/forward';
import { createSchedule, customTimesteps, type DiffusionSchedule, spacedTimesteps } from '@diffuse/schedules';
import { clone, randomNormal, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import type { CommonSamplerOptions, FromConfigOptions, Resolved } from './sampler-config.js';
import { readSamplerConfig } from './sampler-config.js';
import { processOriginalSample } from './thresholding.js';

/**
 * Options of one step. Stochastic steps draw their noise from `noise` (diffusers' `variance_noise`, the
 * sample's shape), else from `generator` (counter-based: stream `"variance"`, `step` = the index of the
 * step in `timesteps`, batch item b = sample `firstSample + b`, so an image's noise does not depend on
 * the batch it is in), else from `tf.randomNormal` (unseeded, like diffusers without a generator).
 */
export type StepOptions = SamplerStepOptions;

/** The result of a step: x_{t'} and the (clipped or thresholded) predicted x₀, both owned by the caller. */
export interface StepOutput extends SamplerStepOutput {
  predOriginalSample: Tensor4D;
}

/** The constructor side of a sampler class, for `fromConfig`. */
export interface SamplerClass<S> {
  new (options: never): S;
  /** Every option with its default, in diffusers' order. */
  readonly defaults: object;
}

/** Base of the diffusers-style samplers. */
export abstract class DiffusersSampler<Options extends CommonSamplerOptions> implements Sampler {
  /** Model evaluations per step. */
  readonly order = 1;
  /** Standard deviation of the initial noise x_T. */
  readonly initNoiseSigma = 1;
  /** β, α, ᾱ, σ, SNR of the training schedule (length `numTrainTimesteps`). */
  readonly schedule: DiffusionSchedule;
  /** Every option, defaults filled in. */
  readonly options: Readonly<Resolved<Options>>;
  /** diffusers' class name, written as `_class_name`. */
  abstract readonly className: string;
  #timesteps: readonly number[] = [];

  /**
   * Builds a sampler from a diffusers `scheduler_config.json` (parsed; snake_case or camelCase keys).
   * `_class_name` is not checked, so compatible configs swap samplers (as diffusers' `from_config`).
   */
  static fromConfig<S>(this: SamplerClass<S>, json: unknown, options?: FromConfigOptions): S {
    // biome-ignore lint/complexity/noThisInStatic: builds the subclass it is called on (DDIMSampler.fromConfig)
    return new this(readSamplerConfig(json, this.defaults, options) as never);
  }

  protected constructor(options: Resolved<Options>) {
    this.options = Object.freeze(options);
    this.schedule = createSchedule(options);
  }

  /** The descending timesteps set by {@link setTimesteps} (empty before). */
  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  /** The config as diffusers writes it: snake_case, `_class_name` first. `fromConfig` round-trips it. */
  get config(): Record<string, JsonValue> {
    return writeDiffusersConfig({ className: this.className, config: this.options });
  }

  /**
   * Chooses the inference timesteps: `n` spaced by `timestepSpacing`, or `{ timesteps }`, a custom
   * strictly descending list within [0, numTrainTimesteps).
   */
  setTimesteps(options: SetTimestepsOptions): void {
    const { numTrainTimesteps, timestepSpacing, stepsOffset } = this.options;
    const request = typeof options === 'number' ? { numInferenceSteps: options } : options;
    if (request.timesteps !== undefined && request.numInferenceSteps !== undefined) {
      throw new ValueError({
        argument: 'timesteps',
        expected: 'either `numInferenceSteps` or `timesteps`, not both',
        received: request,
      });
    }
    this.#timesteps = Object.freeze(
      request.timesteps !== undefined
        ? customTimesteps({ numTrainTimesteps, timesteps: request.timesteps })
        : spacedTimesteps({
            numTrainTimesteps,
            numInferenceSteps: request.numInferenceSteps as number,
            timestepSpacing,
            stepsOffset,
          }),
    );
  }

  /** Identity for DDPM/DDIM (other samplers scale x_t); returns a new tensor. */
  scaleModelInput(sample: Tensor4D, _timestep?: number): Tensor4D {
    return clone(sample);
  }

  /** q(x_t | x_0): √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, timesteps one per item (numbers or an int32 tensor). */
  addNoise(original: Tensor4D, noise: Tensor4D, timesteps: Timesteps): Tensor4D {
    return addNoise({ schedule: this.schedule, original, noise, timesteps }) as Tensor4D;
  }

  /** v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0 (`sample` is x_0, as in diffusers). */
  getVelocity(sample: Tensor4D, noise: Tensor4D, timesteps: Timesteps): Tensor4D {
    return getVelocity({ schedule: this.schedule, original: sample, noise, timesteps }) as Tensor4D;
  }

  abstract step(modelOutput: Tensor4D, timestep: number, sample: Tensor4D, options?: StepOptions): StepOutput;

  /**
   * Checks a step's inputs and finds it in the schedule: the index of `timestep` in `timesteps` and the
   * previous timestep (the next entry, or −1 after the last). `outputChannels` is the channel count the
   * model output must have.
   */
  protected locateStep(
    modelOutput: Tensor4D,
    timestep: number,
    sample: Tensor4D,
    options: StepOptions,
    outputChannels = sample.shape[3],
  ): { stepIndex: number; prevTimestep: number } {
    if (this.#timesteps.length === 0) {
      throw new StateError({
        argument: 'timesteps',
        expected: 'timesteps set before `step`',
        received: 'none',
        hint: 'Call `setTimesteps(numInferenceSteps)` first',
      });
    }
    const stepIndex = this.#timesteps.indexOf(timestep);
    if (stepIndex < 0) {
      throw new ValueError({
        argument: 'timestep',
        expected: `one of the ${this.#timesteps.length} timesteps set by \`setTimesteps\``,
        received: timestep,
      });
    }
    assertRank('sample', sample, 4, 'NHWC');
    const [batch, height, width] = sample.shape;
    assertShape('modelOutput', modelOutput.shape, [batch, height, width, outputChannels]);
    if (options.noise !== undefined && options.generator !== undefined) {
      throw new ValueError({
        argument: 'noise',
        expected: 'either `noise` or `generator`, not both',
        received: 'both',
      });
    }
    if (options.noise !== undefined) assertShape('noise', options.noise.shape, sample.shape);
    requireInteger('firstSample', options.firstSample ?? 0, { min: 0 });
    return { stepIndex, prevTimestep: this.#timesteps[stepIndex + 1] ?? -1 };
  }

  /** The variance noise of a stochastic step (see {@link StepOptions}); call inside `tidy`. */
  protected varianceNoise(sample: Tensor4D, stepIndex: number, options: StepOptions): Tensor {
    if (options.noise !== undefined) return options.noise;
    if (options.generator === undefined) return randomNormal(sample.shape);
    return options.generator.normal({
      shape: sample.shape,
      step: stepIndex,
      firstSample: options.firstSample ?? 0,
      stream: 'variance',
    });
  }

  /** The predicted x₀, clipped or thresholded as configured; call inside `tidy`. */
  protected originalSample(modelOutput: Tensor4D, sample: Tensor4D, alphaProd: number): Tensor4D {
    const predictionType = this.options.predictionType as PredictionType;
    const original = predictionToOriginal({ predictionType, modelOutput, sample, alphaProd }) as Tensor4D;
    return processOriginalSample(original, this.options as Resolved<CommonSamplerOptions>);
  }
}
