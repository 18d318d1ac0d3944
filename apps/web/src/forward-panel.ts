/**
 * Forward-process view: pick an image x₀, slide t from 0 to T − 1 and see a draw of
 * q(x_t | x₀) = N(√ᾱ_t·x₀, (1 − ᾱ_t)·I) (`addNoise` of `@diffuse/forward`), next to the schedule's
 * ᾱ_t and SNR_t = ᾱ_t/(1 − ᾱ_t) curves.
 */
import { NoiseGenerator } from '@diffuse/core';
import { addNoise } from '@diffuse/forward';
import type { DiffusionSchedule } from '@diffuse/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { element, errorMessage, labelled, pixelCanvas, select } from './dom.js';
import { imageFromFile, PATTERNS, type PatternName, patternImage } from './example-images.js';
import { drawImageGrid } from './image-grid.js';
import { drawLines } from './plot.js';
import type { SampleFormat } from './sampling-pipeline.js';

const LAST_SAMPLE = 'last-sample';
const NOISE_SEED = 1234;

/** The forward-process panel. */
export class ForwardPanel {
  private readonly source: HTMLSelectElement;
  private readonly slider: HTMLInputElement;
  private readonly readout = element('p', { class: 'status', id: 'forward-readout' });
  private readonly cleanCanvas: HTMLCanvasElement;
  private readonly noisyCanvas: HTMLCanvasElement;
  private readonly curves = element('canvas', { class: 'plot', id: 'schedule-curves', width: 480, height: 150 });
  private readonly snrCurve = element('canvas', { class: 'plot', id: 'snr-curve', width: 480, height: 150 });
  private original: Float32Array;
  private lastSample: Float32Array | undefined;
  private readonly noise: Float32Array;
  private readonly scale: number;
  /** Increases with each render request; a render whose number is stale draws nothing. */
  private renderNumber = 0;

  constructor(
    root: HTMLElement,
    private readonly schedule: DiffusionSchedule,
    private readonly format: SampleFormat,
  ) {
    this.scale = Math.max(4, Math.floor(160 / Math.max(format.height, format.width)));
    const options: Record<string, string> = {};
    for (const name of Object.keys(PATTERNS)) options[name] = `pattern: ${name}`;
    options[LAST_SAMPLE] = 'last generated sample';
    this.source = select('forward-source', options, 'rings');
    const upload = element('input', { id: 'forward-upload', type: 'file', accept: 'image/*' });
    const last = schedule.numTrainTimesteps - 1;
    this.slider = element('input', { id: 'forward-t', type: 'range', min: 0, max: last, step: 1, value: 0 });
    this.slider.style.width = '18rem';
    this.cleanCanvas = pixelCanvas('forward-clean', format.width, format.height, this.scale);
    this.noisyCanvas = pixelCanvas('forward-noisy', format.width, format.height, this.scale);
    this.original = patternImage('rings', format);
    this.noise = new NoiseGenerator(NOISE_SEED).normalArray({
      shape: [1, format.height, format.width, format.channels],
      step: 0,
    });
    root.append(
      element('h2', { id: 'forward-title' }, ['Forward process q(x_t | x₀)']),
      element('div', { class: 'controls' }, [
        labelled('image', this.source),
        labelled('or a file', upload),
        labelled(`t (0 … ${last})`, this.slider),
      ]),
      this.readout,
      element('div', { class: 'figures' }, [
        element('figure', {}, [this.cleanCanvas, element('figcaption', {}, ['x₀'])]),
        element('figure', {}, [this.noisyCanvas, element('figcaption', {}, ['x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε'])]),
      ]),
      element('div', { class: 'figures' }, [this.curves, this.snrCurve]),
    );
    this.source.addEventListener('change', () => this.chooseSource());
    this.slider.addEventListener('input', () => void this.render());
    upload.addEventListener('change', () => {
      const file = upload.files?.[0];
      if (file) {
        imageFromFile(file, format)
          .then((values) => {
            this.original = values;
            return this.render();
          })
          .catch((error: unknown) => this.showError(error));
      }
    });
    void this.render();
  }

  /** Offers the newest generated image as x₀. */
  setLastSample(image: Float32Array): void {
    this.lastSample = image;
    if (this.source.value === LAST_SAMPLE) this.chooseSource();
  }

  /** Moves the slider to `t` and redraws (used by tests and links). */
  async showTimestep(t: number): Promise<void> {
    this.slider.value = String(t);
    await this.render();
  }

  private chooseSource(): void {
    const value = this.source.value;
    if (value === LAST_SAMPLE) {
      if (!this.lastSample) {
        this.showError(new Error('no sample yet: run the sampler first'));
        return;
      }
      this.original = this.lastSample;
    } else {
      this.original = patternImage(value as PatternName, this.format);
    }
    void this.render();
  }

  private showError(error: unknown): void {
    this.readout.textContent = errorMessage(error);
  }

  private async render(): Promise<void> {
    const request = ++this.renderNumber;
    const t = Number(this.slider.value);
    const { height, width, channels } = this.format;
    const shape: [number, number, number, number] = [1, height, width, channels];
    const noisy = tf.tidy(() =>
      addNoise({
        schedule: this.schedule,
        timesteps: t,
        original: tf.tensor4d(this.original, shape),
        noise: tf.tensor4d(this.noise, shape),
      }),
    );
    let values: Float32Array;
    try {
      values = (await noisy.data()) as Float32Array;
    } finally {
      noisy.dispose();
    }
    if (request !== this.renderNumber) return;
    drawImageGrid(this.cleanCanvas, { shape, values: this.original }, this.scale);
    drawImageGrid(this.noisyCanvas, { shape, values }, this.scale);
    const alphaBar = this.schedule.alphasCumprod[t]!;
    const snr = this.schedule.snr[t]!;
    this.readout.textContent = `t = ${t} · ᾱ_t = ${alphaBar.toFixed(5)} · SNR_t = ${snr.toExponential(3)} · log SNR_t = ${Math.log(snr).toFixed(3)}`;
    drawLines(
      this.curves,
      [
        { label: 'ᾱ_t', colour: '#2f6fde', values: this.schedule.alphasCumprod },
        { label: '√(1 − ᾱ_t)', colour: '#d9822b', values: this.schedule.alphasCumprod.map((a) => Math.sqrt(1 - a)) },
      ],
      { markerX: t, yRange: [0, 1], title: 'signal and noise' },
    );
    drawLines(this.snrCurve, [{ label: 'SNR_t', colour: '#2a9d8f', values: this.schedule.snr }], {
      logY: true,
      markerX: t,
      title: 'SNR (log scale)',
    });
  }
}
