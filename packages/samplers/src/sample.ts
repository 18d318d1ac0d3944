/**
 * The sampling loop of diffusers' DDPM/DDIM pipelines, for any `Denoiser` and any `Sampler`:
 * x_T ~ N(0, σ_init²·I), then for each timestep t: ε̂ = model(scale(x_t), t), x_{t'} = sampler.step(ε̂, t, x_t).
 */
import type { Denoiser, DenoiserInput, NoiseGeneratorLike, Sampler, SamplerStepOptions } from '@diffuse/core';
import { assertRank, requireInteger, StateError, ValueError } from '@diffuse/core';
import { dispose, randomNormal, type Tensor4D, tidy } from '@tensorflow/tfjs-core';

/** What {@link SampleOptions.onStep} receives. The tensors are the loop's: valid during the call only. */
export interface SampleProgress {
  /** 0-based index of the step in `sampler.timesteps`. */
  stepIndex: number;
  /** Number of steps of the loop. */
  numSteps: number;
  /** t of this step. */
  timestep: number;
  /** x_t, the input of this step. */
  sample: Tensor4D;
  /** x_{t'}, its result (x₀ after the last step). */
  prevSample: Tensor4D;
  /** The sampler's estimate of x₀ at this step, when it makes one (DDPM and DDIM do). */
  predOriginalSample: Tensor4D | undefined;
}

/** Inputs of {@link sample}. */
export interface SampleOptions {
  denoiser: Denoiser;
  sampler: Sampler;
  /** x_T before scaling by `initNoiseSigma`, [B, H, W, C]. Or give `shape` and let `generator` draw it. */
  initialNoise?: Tensor4D;
  /** [B, H, W, C] of x_T, drawn from `generator` (or unseeded); not together with `initialNoise`. */
  shape?: readonly [number, number, number, number];
  /**
   * Seeded counter-based generator: x_T is drawn from its stream `"initial"` (step 0) and each step's
   * variance noise from stream `"variance"` (step = step index). Without it, noise is unseeded.
   */
  generator?: NoiseGeneratorLike;
  /** Sample index of the first batch item in the generator's numbering (batch offsets). Default 0. */
  firstSample?: number;
  /** Calls `sampler.setTimesteps(numInferenceSteps)` first; else the sampler's timesteps are used. */
  numInferenceSteps?: number;
  /** Calls `sampler.setTimesteps({ timesteps })` first (custom descending timesteps). */
  timesteps?: readonly number[];
  /** DDIM's η (passed to `step` when given). */
  eta?: number;
  /** DDIM's `useClippedModelOutput` (passed to `step` when given). */
  useClippedModelOutput?: boolean;
  /** Class labels, one per item, passed to the denoiser. */
  classLabels?: DenoiserInput['classLabels'];
  /** Cross-attention context passed to the denoiser. */
  context?: DenoiserInput['context'];
  /** Called after each step (awaited): progress bars, previews of x_t and x₀. */
  onStep?: (progress: SampleProgress) => void | Promise<void>;
  /**
   * Cancels the loop: checked before every step, which then rejects with `signal.reason`. The loop
   * yields to the event loop once per step when a signal is given, so that an abort can arrive.
   */
  signal?: AbortSignal;
}

/**
 * Runs the reverse process from noise to x₀ and returns x₀ (owned by the caller). Each step frees what
 * the previous one made: the number of live tensors does not grow with the number of steps.
 *
 * @example
 * const sampler = samplerFromConfig(schedulerConfig);
 * const images = await sample({
 *   denoiser: unet, sampler, shape: [4, 32, 32, 3], numInferenceSteps: 50, eta: 0,
 *   generator: new NoiseGenerator(42),
 *   onStep: ({ stepIndex, numSteps }) => console.log(`${stepIndex + 1}/${numSteps}`),
 * });
 */
export async function sample(options: SampleOptions): Promise<Tensor4D> {
  const { denoiser, sampler, generator, signal, onStep } = options;
  const firstSample = requireInteger('firstSample', options.firstSample ?? 0, { min: 0 });
  if (options.numInferenceSteps !== undefined || options.timesteps !== undefined) {
    const { numInferenceSteps, timesteps } = options;
    sampler.setTimesteps(timesteps === undefined ? (numInferenceSteps as number) : { numInferenceSteps, timesteps });
  }
  const timesteps = [...sampler.timesteps];
  if (timesteps.length === 0) {
    throw new StateError({
      argument: 'numInferenceSteps',
      expected: 'a number of steps (or `timesteps`), or a sampler whose timesteps are set',
      received: 'neither',
    });
  }
  signal?.throwIfAborted();
  const stepOptions: SamplerStepOptions = { firstSample };
  if (generator !== undefined) stepOptions.generator = generator;
  if (options.eta !== undefined) stepOptions.eta = options.eta;
  if (options.useClippedModelOutput !== undefined) stepOptions.useClippedModelOutput = options.useClippedModelOutput;
  const conditioning: Pick<DenoiserInput, 'classLabels' | 'context'> = {};
  if (options.classLabels !== undefined) conditioning.classLabels = options.classLabels;
  if (options.context !== undefined) conditioning.context = options.context;

  let x = initialSample(options, firstSample);
  try {
    for (let stepIndex = 0; stepIndex < timesteps.length; stepIndex++) {
      if (signal) await yieldToEventLoop();
      signal?.throwIfAborted();
      const timestep = timesteps[stepIndex]!;
      const [prevSample, predOriginalSample] = tidy(() => {
        const modelInput = sampler.scaleModelInput(x, timestep);
        const modelOutput = denoiser.predict({ sample: modelInput, timestep, ...conditioning });
        const output = sampler.step(modelOutput, timestep, x, stepOptions);
        return output.predOriginalSample ? [output.prevSample, output.predOriginalSample] : [output.prevSample];
      }) as [Tensor4D, Tensor4D?];
      try {
        await onStep?.({ stepIndex, numSteps: timesteps.length, timestep, sample: x, prevSample, predOriginalSample });
      } finally {
        dispose(predOriginalSample ? [x, predOriginalSample] : [x]);
        x = prevSample;
      }
    }
  } catch (error) {
    x.dispose();
    throw error;
  }
  return x;
}

function initialSample(options: SampleOptions, firstSample: number): Tensor4D {
  const sigma = options.sampler.initNoiseSigma;
  if (options.initialNoise !== undefined) {
    if (options.shape !== undefined) {
      throw new ValueError({
        argument: 'shape',
        expected: 'either `initialNoise` or `shape`, not both',
        received: options.shape,
      });
    }
    assertRank('initialNoise', options.initialNoise, 4, 'NHWC');
    return tidy(() => options.initialNoise!.mul(sigma));
  }
  const shape = options.shape;
  if (shape === undefined || shape.length !== 4) {
    throw new ValueError({
      argument: 'shape',
      expected: 'a [batch, height, width, channels] shape (or `initialNoise`)',
      received: shape,
    });
  }
  return tidy(() => {
    const noise = options.generator
      ? options.generator.normal({ shape, step: 0, firstSample, stream: 'initial' })
      : randomNormal([...shape]);
    return noise.mul(sigma) as Tensor4D;
  });
}

/** Lets other tasks (an abort, a repaint) run: a macrotask. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
