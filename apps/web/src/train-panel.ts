/**
 * Training in the tab: an MLP denoiser learns a 2-D toy distribution with `@diffuse/train`'s loop (the
 * code the CLI trains with; its default loss, `@diffuse/losses`' ε-MSE), plotting the loss as it goes
 * and, every few hundred steps, DDIM samples drawn with the page's sampling pipeline over the data in grey.
 */
import { NoiseGenerator } from '@diffuse/core';
import { MlpDenoiser } from '@diffuse/models';
import { createSchedule } from '@diffuse/schedules';
import {
  energyDistance,
  runTraining,
  sampleToyPoints,
  TOY_DISTRIBUTIONS,
  ToyDataset,
  type ToyDistribution,
  Trainer,
} from '@diffuse/train';
import { element, errorMessage, labelled, nextFrame, numberInput, readNumber, select } from './dom.js';
import { drawLines, drawScatter } from './plot.js';
import { runSampling } from './sampling-pipeline.js';
import { DEFAULT_SCHEDULER_CONFIG } from './scheduler-config.js';

/** The toy model's scheduler: diffusers' DDPM defaults, without x₀ clipping (toy data exceeds [−1, 1]). */
export const TOY_SCHEDULER_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({
  ...DEFAULT_SCHEDULER_CONFIG,
  clip_sample: false,
});

const SAMPLE_COUNT = 512;
const SAMPLE_SEED = 1;
const PLOT_RANGE = 4.5;

/** A finished (or stopped) training run, for the debug panel and the tests. */
export interface TrainingSummary {
  distribution: ToyDistribution;
  /** Steps at which the loss was reported, and the losses. */
  steps: number[];
  losses: number[];
  /** The final DDIM samples, [x₀, y₀, x₁, y₁, …]. */
  samples: number[];
  /** Energy distance from the final samples to data points (`@diffuse/train`'s `energyDistance`). */
  energyDistance: number;
  /** The same for the noise x_T the samples started from: what training has to beat. */
  noiseEnergyDistance: number;
}

/** The training panel. */
export class TrainPanel {
  private readonly distribution = select(
    'train-distribution',
    Object.fromEntries(TOY_DISTRIBUTIONS.map((name) => [name, name])),
    'two-moons',
  );
  private readonly steps = numberInput('train-steps', 1500, { min: 1, step: 100 });
  private readonly batch = numberInput('train-batch', 256, { min: 1, step: 1 });
  private readonly learningRate = numberInput('train-lr', 0.002, { min: 0, step: 'any' });
  private readonly sampleSteps = numberInput('train-sample-steps', 50, { min: 1, max: 1000, step: 1 });
  private readonly runButton = element('button', { id: 'train-run', type: 'button' }, ['Train']);
  private readonly stopButton = element(
    'button',
    { id: 'train-stop', type: 'button', class: 'secondary', disabled: true },
    ['Stop'],
  );
  private readonly status = element('p', { class: 'status', id: 'train-status' }, ['ready']);
  private readonly lossCanvas = element('canvas', { class: 'plot', id: 'train-loss', width: 300, height: 220 });
  private readonly scatterCanvas = element('canvas', { class: 'plot', id: 'train-samples', width: 220, height: 220 });
  private abort: AbortController | undefined;

  constructor(
    root: HTMLElement,
    private readonly onFinished: (summary: TrainingSummary) => void,
  ) {
    root.append(
      element('h2', { id: 'train-title' }, ['Train a 2-D model']),
      element('div', { class: 'controls' }, [
        labelled('data', this.distribution),
        labelled('steps', this.steps),
        labelled('batch', this.batch),
        labelled('learning rate', this.learningRate),
        labelled('DDIM steps', this.sampleSteps),
        this.runButton,
        this.stopButton,
      ]),
      this.status,
      element('div', { class: 'figures' }, [this.lossCanvas, this.scatterCanvas]),
    );
    this.runButton.addEventListener('click', () => void this.train());
    this.stopButton.addEventListener('click', () => this.abort?.abort());
  }

  /** Trains a fresh model with the controls' settings; everything is disposed at the end. */
  async train(): Promise<void> {
    let untilStep: number;
    let batchSize: number;
    let learningRate: number;
    let sampleSteps: number;
    try {
      sampleSteps = readNumber(this.sampleSteps, 'DDIM steps');
      untilStep = readNumber(this.steps, 'steps');
      batchSize = readNumber(this.batch, 'batch');
      learningRate = readNumber(this.learningRate, 'learning rate');
    } catch (error) {
      this.status.textContent = errorMessage(error);
      return;
    }
    const distribution = this.distribution.value as ToyDistribution;
    const reference = sampleToyPoints({ distribution, count: SAMPLE_COUNT, seed: 99 });
    const schedule = createSchedule({ numTrainTimesteps: 1000, betaSchedule: 'linear' });
    const model = new MlpDenoiser({ config: { hiddenSize: 128, numLayers: 3 }, seed: 0 });
    this.abort = new AbortController();
    this.runButton.disabled = true;
    this.stopButton.disabled = false;
    let trainer: Trainer | undefined;
    const losses: number[] = [];
    const lossSteps: number[] = [];
    let summary: TrainingSummary | undefined;
    try {
      trainer = new Trainer({
        model,
        dataset: new ToyDataset({ distribution, seed: 0 }),
        schedule,
        predictionType: 'epsilon',
        batchSize,
        seed: 0,
        learningRate: {
          learningRate,
          warmupSteps: Math.min(100, Math.ceil(untilStep / 10)),
          decay: 'cosine',
          totalSteps: untilStep,
        },
      });
      let finalSamples: Float32Array = new Float32Array();
      let energy = Number.NaN;
      const drawSamples = async (step: number) => {
        const result = await runSampling({
          model,
          schedulerConfig: TOY_SCHEDULER_CONFIG,
          format: { height: 1, width: 1, channels: 2 },
          settings: {
            sampler: 'ddim',
            numInferenceSteps: sampleSteps,
            eta: 0,
            seed: SAMPLE_SEED,
            batchSize: SAMPLE_COUNT,
          },
        });
        finalSamples = result.sample;
        energy = energyDistance({ data: result.sample, dimension: 2 }, { data: reference, dimension: 2 });
        drawScatter(this.scatterCanvas, result.sample, {
          range: PLOT_RANGE,
          colour: '#2f6fde',
          reference,
          title: `samples at step ${step} (DDIM ${sampleSteps})`,
        });
      };
      drawScatter(this.scatterCanvas, reference, {
        range: PLOT_RANGE,
        colour: 'rgba(128,128,128,0.6)',
        title: distribution,
      });
      await runTraining({
        trainer,
        untilStep,
        metricsEvery: Math.max(1, Math.min(20, Math.floor(untilStep / 10))),
        signal: this.abort.signal,
        onMetrics: async (metrics) => {
          losses.push(metrics.loss);
          lossSteps.push(metrics.step);
          drawLines(this.lossCanvas, [{ label: 'loss', colour: '#d9822b', values: losses, x: lossSteps }], {
            logY: true,
            title: 'training loss (ε-MSE)',
          });
          this.status.textContent = `step ${metrics.step}/${untilStep} · loss ${metrics.loss.toFixed(4)} · ${metrics.stepsPerSecond.toFixed(1)} steps/s`;
          await nextFrame();
        },
        hooks: [{ every: 250, run: ({ step }) => drawSamples(step) }],
      });
      await drawSamples(trainer.step);
      this.status.textContent =
        `done: ${trainer.step} steps, last loss ${losses.at(-1)?.toFixed(4) ?? '—'}, ` +
        `energy distance samples↔data ${energy.toFixed(3)}`;
      // The DDIM samples started from this x_T: how far it was from the data, for comparison.
      const initialNoise = new NoiseGenerator(SAMPLE_SEED).normalArray({
        shape: [SAMPLE_COUNT, 1, 1, 2],
        step: 0,
        stream: 'initial',
      });
      summary = {
        distribution,
        steps: lossSteps,
        losses,
        samples: Array.from(finalSamples),
        energyDistance: energy,
        noiseEnergyDistance: energyDistance({ data: initialNoise, dimension: 2 }, { data: reference, dimension: 2 }),
      };
    } catch (error) {
      this.status.textContent = `training failed: ${errorMessage(error)}`;
    } finally {
      trainer?.dispose();
      model.dispose();
      this.runButton.disabled = false;
      this.stopButton.disabled = true;
      this.abort = undefined;
    }
    if (summary) this.onFinished(summary);
  }
}
