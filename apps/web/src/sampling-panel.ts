/**
 * Live sampling: the controls (sampler, steps, η, seed, batch size), the x_t and predicted-x₀ grids
 * filling in step by step, and the time per step.
 */
import type { Denoiser } from '@diffuse/core';
import { element, errorMessage, labelled, nextFrame, numberInput, readNumber, select } from './dom.js';
import { drawImageGrid, gridSize } from './image-grid.js';
import { runSampling, type SampleFormat, type SamplingResult } from './sampling-pipeline.js';
import {
  MAX_BATCH_SIZE,
  type SamplerName,
  type SamplingSettings,
  settingsToQuery,
  validateSettings,
} from './sampling-settings.js';

/** What the panel needs from the page. */
export interface SamplingPanelOptions {
  model: Denoiser;
  schedulerConfig: Readonly<Record<string, unknown>>;
  numTrainTimesteps: number;
  format: SampleFormat;
  initial: SamplingSettings;
  /** Called with each finished run (the page records it for the tests and the debug panel). */
  onResult: (result: SamplingResult) => void;
}

/** Target width of the x_t and x₀ grids, in CSS pixels. */
const GRID_WIDTH = 240;
/** Frames of the denoising strip, and its target width. */
const STRIP_FRAMES = 10;
const STRIP_WIDTH = 440;

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

/** "first step 5986 ms (warm-up), then 1132 ms/step": the first step includes setting up the kernels (WebGPU compiles its shaders). */
export function timingSummary(stepMilliseconds: readonly number[]): string {
  const [first, ...rest] = stepMilliseconds;
  if (first === undefined) return 'no step';
  if (rest.length === 0) return `${first.toFixed(1)} ms/step`;
  return `first step ${first.toFixed(0)} ms (warm-up), then ${mean(rest).toFixed(1)} ms/step`;
}

/** The sampling panel. */
export class SamplingPanel {
  private readonly sampler: HTMLSelectElement;
  private readonly steps: HTMLInputElement;
  private readonly eta: HTMLInputElement;
  private readonly seed: HTMLInputElement;
  private readonly batch: HTMLInputElement;
  private readonly runButton = element('button', { id: 'sample-run', type: 'button' }, ['Sample']);
  private readonly stopButton = element(
    'button',
    { id: 'sample-stop', type: 'button', class: 'secondary', disabled: true },
    ['Stop'],
  );
  private readonly status = element('p', { class: 'status', id: 'sample-status' }, ['ready']);
  private readonly noisyCanvas = element('canvas', { id: 'sample-xt', class: 'pixels', width: 1, height: 1 });
  private readonly originalCanvas = element('canvas', { id: 'sample-x0', class: 'pixels', width: 1, height: 1 });
  private readonly stripCanvas = element('canvas', { id: 'sample-strip', class: 'pixels', width: 1, height: 1 });
  private readonly stripFigure = element('figure', { hidden: true }, [
    this.stripCanvas,
    element('figcaption', {}, ['the first image along the way, x_T → x₀']),
  ]);
  /** The x_t and x₀ grids, hidden until the first step is drawn. */
  private readonly figures = element('div', { class: 'figures', hidden: true });
  private abort: AbortController | undefined;
  private running: Promise<SamplingResult | undefined> | undefined;

  constructor(
    root: HTMLElement,
    private readonly options: SamplingPanelOptions,
  ) {
    const { initial } = options;
    this.sampler = select('sampler', { ddim: 'DDIM', ddpm: 'DDPM' }, initial.sampler);
    this.steps = numberInput('steps', initial.numInferenceSteps, { min: 1, max: options.numTrainTimesteps, step: 1 });
    this.eta = numberInput('eta', initial.eta, { min: 0, max: 1, step: 0.1 });
    this.seed = numberInput('seed', initial.seed, { min: 0, step: 1 });
    this.batch = numberInput('batch', initial.batchSize, { min: 1, max: MAX_BATCH_SIZE, step: 1 });
    root.append(
      element('h2', { id: 'sampling-title' }, ['Sampling']),
      element('div', { class: 'controls' }, [
        labelled('sampler', this.sampler),
        labelled('steps', this.steps),
        labelled('η (DDIM)', this.eta),
        labelled('seed', this.seed),
        labelled('batch', this.batch),
        this.runButton,
        this.stopButton,
      ]),
      this.status,
      this.figures,
      this.stripFigure,
    );
    this.figures.append(
      element('figure', {}, [this.noisyCanvas, element('figcaption', {}, ['x_t'])]),
      element('figure', {}, [this.originalCanvas, element('figcaption', {}, ['predicted x₀'])]),
    );
    this.sampler.addEventListener('change', () => this.updateEtaState());
    this.updateEtaState();
    this.runButton.addEventListener('click', () => void this.run());
    this.stopButton.addEventListener('click', () => this.abort?.abort());
  }

  /** The settings in the controls, validated. */
  settings(): SamplingSettings {
    return validateSettings(
      {
        sampler: this.sampler.value as SamplerName,
        numInferenceSteps: readNumber(this.steps, 'steps'),
        eta: readNumber(this.eta, 'η'),
        seed: readNumber(this.seed, 'seed'),
        batchSize: readNumber(this.batch, 'batch'),
      },
      this.options.numTrainTimesteps,
    );
  }

  /** Runs the sampler with the controls' settings (a run in progress is finished first). */
  async run(): Promise<SamplingResult | undefined> {
    if (this.running) return this.running;
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Draws up to {@link STRIP_FRAMES} of `frames`, evenly spaced, first and last included, in one row. */
  private drawStrip(frames: readonly Float32Array[]): void {
    const { format } = this.options;
    const count = Math.min(STRIP_FRAMES, frames.length);
    const frameSize = format.height * format.width * format.channels;
    const values = new Float32Array(count * frameSize);
    for (let i = 0; i < count; i++) {
      const index = count === 1 ? frames.length - 1 : Math.round((i * (frames.length - 1)) / (count - 1));
      values.set(frames[index]!, i * frameSize);
    }
    const shape: [number, number, number, number] = [count, format.height, format.width, format.channels];
    // A fractional scale: the strip spans the panel whatever the image size.
    const scale =
      STRIP_WIDTH / gridSize([STRIP_FRAMES, format.height, format.width, format.channels], STRIP_FRAMES).width;
    drawImageGrid(this.stripCanvas, { shape, values }, scale, count);
    this.stripFigure.hidden = false;
  }

  private updateEtaState(): void {
    this.eta.disabled = this.sampler.value !== 'ddim';
  }

  private async runOnce(): Promise<SamplingResult | undefined> {
    let settings: SamplingSettings;
    try {
      settings = this.settings();
    } catch (error) {
      this.status.textContent = errorMessage(error);
      return undefined;
    }
    history.replaceState(null, '', `?${settingsToQuery(settings, new URLSearchParams(location.search))}`);
    this.abort = new AbortController();
    this.runButton.disabled = true;
    this.stopButton.disabled = false;
    this.status.textContent = `starting ${settings.sampler.toUpperCase()}, ${settings.numInferenceSteps} steps…`;
    const { format } = this.options;
    const shape: [number, number, number, number] = [settings.batchSize, format.height, format.width, format.channels];
    // Each grid about 240 CSS pixels wide, in whole screen pixels per image pixel.
    const scale = Math.max(1, Math.floor(GRID_WIDTH / gridSize(shape).width));
    const frameSize = format.height * format.width * format.channels;
    const frames: Float32Array[] = [];
    try {
      const result = await runSampling({
        model: this.options.model,
        schedulerConfig: this.options.schedulerConfig,
        format,
        settings,
        signal: this.abort.signal,
        onStep: async (step) => {
          drawImageGrid(this.noisyCanvas, { shape, values: step.sample }, scale);
          this.figures.hidden = false;
          frames.push(step.sample.slice(0, frameSize));
          this.drawStrip(frames);
          if (step.predictedOriginal) {
            drawImageGrid(this.originalCanvas, { shape, values: step.predictedOriginal }, scale);
          }
          this.status.textContent = `step ${step.index + 1}/${step.count} · t = ${step.timestep} · ${step.milliseconds.toFixed(1)} ms/step`;
          await nextFrame();
        },
      });
      drawImageGrid(this.noisyCanvas, { shape, values: result.sample }, scale);
      this.status.textContent = `done: ${result.stepMilliseconds.length} steps, ${timingSummary(result.stepMilliseconds)}`;
      this.options.onResult(result);
      return result;
    } catch (error) {
      if (this.abort?.signal.aborted) {
        this.status.textContent = 'stopped';
        return undefined;
      }
      this.status.textContent = `sampling failed: ${errorMessage(error)}`;
      throw error;
    } finally {
      this.runButton.disabled = false;
      this.stopButton.disabled = true;
      this.abort = undefined;
    }
  }
}
