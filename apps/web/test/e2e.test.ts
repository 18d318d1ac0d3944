/**
 * The playground in a real browser: Debian's Chromium, headless, WebGPU on (a SwiftShader adapter on
 * machines without a GPU), serving the static build (`apps/web/dist`, built by `pnpm test`'s turbo step)
 * from a tiny Node server. The page's numbers are checked against the same pipeline run here in Node on
 * wasm, for the same seed and model files. Screenshot: `test-artifacts/web-e2e.png`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageResult } from '../src/main.js';
import { SAMPLER_NAMES, type SamplingSettings, settingsToQuery } from '../src/sampling-settings.js';
import { scheduleOf } from '../src/scheduler-config.js';
import type { TrainingSummary } from '../src/train-panel.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { readServedSchedulerConfig, sampleInNode } from './support/node-pipeline.js';
import { type StaticServer, serveStatic } from './support/static-server.js';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distFolder = join(appRoot, 'dist');
const artifactsFolder = resolve(appRoot, '../../test-artifacts');
const screenshotPath = join(artifactsFolder, 'web-e2e.png');

/**
 * Small enough for SwiftShader (its first step compiles every WebGPU kernel: tens of seconds at 28×28):
 * 2 images, 2 DDIM steps, stochastic (η = 0.5) so the seeded variance noise is compared too.
 */
const SETTINGS: SamplingSettings = { sampler: 'ddim', numInferenceSteps: 2, eta: 0.5, seed: 7, batchSize: 2 };

/** float32 tolerance across backends after a few U-Net steps (different kernels and summation orders). */
const CROSS_BACKEND_TOLERANCE = 2e-3;

async function waitForReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__diffuse?.status !== 'starting', null, { timeout: 60_000 });
  const state = await page.evaluate(() => ({ status: window.__diffuse.status, error: window.__diffuse.error }));
  expect(state.error).toBeUndefined();
  expect(state.status).toBe('ready');
}

async function waitForRun(page: Page, run: number): Promise<PageResult> {
  await page.waitForFunction((wanted) => (window.__diffuseResult?.run ?? 0) >= wanted, run, { timeout: 120_000 });
  return page.evaluate(() => window.__diffuseResult!);
}

/** The RGBA bytes of a canvas. */
async function canvasPixels(page: Page, selector: string): Promise<{ width: number; height: number; data: number[] }> {
  return page.$eval(selector, (canvas) => {
    const element = canvas as HTMLCanvasElement;
    const context = element.getContext('2d')!;
    const image = context.getImageData(0, 0, element.width, element.height);
    return { width: image.width, height: image.height, data: Array.from(image.data) };
  });
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Sets the training controls, clicks Train and waits for the summary. */
async function train(
  page: Page,
  options: { steps: number; batch: number; sampleSteps: number },
): Promise<TrainingSummary> {
  await page.evaluate(() => {
    window.__diffuseTraining = undefined;
  });
  await page.fill('#train-steps', String(options.steps));
  await page.fill('#train-batch', String(options.batch));
  await page.fill('#train-sample-steps', String(options.sampleSteps));
  await page.click('#train-run');
  await page.waitForFunction(() => window.__diffuseTraining !== undefined, null, { timeout: 120_000 });
  return page.evaluate(() => window.__diffuseTraining!);
}

describe('playground in headless Chromium', () => {
  let server: StaticServer;
  let browser: LaunchedBrowser;
  let page: Page;
  /** A second page, on wasm (the fallback test opens it, the training test uses it). */
  let wasmPage: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(distFolder, 'index.html'))) {
      throw new Error(
        `${distFolder}/index.html is missing: build the app first (\`pnpm --filter @diffuse/web build\`; \`pnpm test\` does it)`,
      );
    }
    server = await serveStatic(distFolder);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    const query = settingsToQuery(SETTINGS, new URLSearchParams({ backend: 'webgpu', autorun: '1' }));
    await page.goto(`${server.origin}/?${query}`);
    await waitForReady(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('starts on WebGPU and loads the served model through @diffuse/io', async () => {
    expect(await page.inputValue('#backend-select')).toBe('webgpu');
    const backend = await page.evaluate(() => window.__diffuse.backend!);
    expect(backend.backend).toBe('webgpu');
    expect(backend.details).toMatch(/WebGPU adapter/);
    expect(await page.textContent('#backend-badge')).toBe('backend: webgpu');
    const model = await page.evaluate(() => window.__diffuse.model!);
    expect(await page.textContent('#model-badge')).toBe(`model: ${model.name}`);
    expect(server.requests).toContain(`/${model.path}diffusion_pytorch_model.safetensors`);
    expect(server.requests).toContain(`/${model.path}config.json`);
  });

  it('samples on WebGPU the numbers the same pipeline gives in Node on wasm', async () => {
    const result = await waitForRun(page, 1);
    expect(result.backend).toBe('webgpu');
    expect(result.settings).toEqual(SETTINGS);
    expect(result.stepMilliseconds).toHaveLength(SETTINGS.numInferenceSteps);
    mkdirSync(artifactsFolder, { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });

    const reference = await sampleInNode({ distFolder, backend: 'wasm', settings: SETTINGS });
    expect(result.shape).toEqual(reference.shape);
    expect(result.timesteps).toEqual(reference.timesteps);
    const difference = maxDifference(result.values, reference.sample);
    console.info(
      `web e2e: max |webgpu − wasm| = ${difference.toExponential(2)} over ${result.values.length} values; ` +
        `ms/step webgpu (browser) ${result.stepMilliseconds.map((ms) => ms.toFixed(0)).join(', ')}; ` +
        `wasm (Node) ${reference.stepMilliseconds.map((ms) => ms.toFixed(0)).join(', ')}; screenshot ${screenshotPath}`,
    );
    expect(difference).toBeLessThan(CROSS_BACKEND_TOLERANCE);
    // Not a vacuous match: the sample has spread and differs between the two images of the batch.
    const [batch, height, width, channels] = result.shape;
    const perImage = height * width * channels;
    expect(batch).toBe(2);
    expect(maxDifference(result.values.slice(0, perImage), result.values.slice(perImage))).toBeGreaterThan(0.1);
    const mean = result.checksum.sum / result.values.length;
    expect(result.checksum.sumOfSquares / result.values.length - mean * mean).toBeGreaterThan(0.01);
  }, 240_000);

  it('draws the final sample on the canvas (not blank, and pixel for pixel the returned values)', async () => {
    const result = await page.evaluate(() => window.__diffuseResult!);
    const [batch, height, width, channels] = result.shape;
    const pixels = await canvasPixels(page, '#sample-xt');
    const columns = Math.ceil(Math.sqrt(batch));
    expect(pixels.width).toBe(columns * (width + 1) - 1);
    let mismatches = 0;
    const distinct = new Set<number>();
    for (let item = 0; item < batch; item++) {
      const left = (item % columns) * (width + 1);
      const top = Math.floor(item / columns) * (height + 1);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const value = result.values[((item * height + y) * width + x) * channels]!;
          const expected = Math.min(255, Math.max(0, Math.round((value + 1) * 127.5)));
          const red = pixels.data[((top + y) * pixels.width + left + x) * 4]!;
          distinct.add(red);
          if (Math.abs(red - expected) > 1) mismatches++;
        }
      }
    }
    expect(mismatches).toBe(0);
    expect(distinct.size).toBeGreaterThan(10);
    // The denoising strip: one frame per step (x_T → x₀) of the first image; the last is the final image.
    const strip = await canvasPixels(page, '#sample-strip');
    const frames = result.settings.numInferenceSteps;
    expect(strip.width).toBe(frames * (width + 1) - 1);
    const left = (frames - 1) * (width + 1);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        expect(strip.data[(y * strip.width + left + x) * 4]).toBe(pixels.data[(y * pixels.width + x) * 4]);
      }
    }
  });

  it('keeps memory flat across runs, and a DDPM run equals Node on wasm too', async () => {
    // A second run, with DDPM (its variance noise comes from the same seeded generator).
    await page.selectOption('#sampler', 'ddpm');
    await page.fill('#steps', '2');
    await page.click('#sample-run');
    const second = await waitForRun(page, 2);
    const first = await page.evaluate(() => window.__diffuse.runHistory().find((run) => run.label === 'sample #1')!);
    expect(second.numTensors).toBe(first.numTensors);
    expect(second.settings).toMatchObject({ sampler: 'ddpm', numInferenceSteps: 2 });
    const reference = await sampleInNode({ distFolder, backend: 'wasm', settings: second.settings });
    expect(maxDifference(second.values, reference.sample)).toBeLessThan(CROSS_BACKEND_TOLERANCE);
    expect(await page.textContent('#run-history')).toMatch(/sample #2: \d+ tensors/);
  }, 240_000);

  it('stops a run between steps and frees its tensors', async () => {
    const baseline = await page.evaluate(() => window.__diffuse.memory().numTensors);
    await page.fill('#steps', '200');
    await page.click('#sample-run');
    await page.waitForFunction(
      () => /^step 2\/200 /.test(document.querySelector('#sample-status')?.textContent ?? ''),
      null,
      {
        timeout: 120_000,
      },
    );
    await page.click('#sample-stop');
    await page.waitForFunction(() => document.querySelector('#sample-status')?.textContent === 'stopped', null, {
      timeout: 60_000,
    });
    expect(await page.evaluate(() => window.__diffuseResult!.run)).toBe(2);
    expect(await page.evaluate(() => window.__diffuse.memory().numTensors)).toBe(baseline);
    expect(await page.isEnabled('#sample-run')).toBe(true);
  }, 240_000);

  it('shows the forward process: x_t ≈ x₀ at t = 0 and noise at t = T − 1, with the schedule readout', async () => {
    const setTimestep = async (t: number) => {
      await page.$eval(
        '#forward-t',
        (slider, value) => {
          (slider as HTMLInputElement).value = String(value);
          slider.dispatchEvent(new Event('input'));
        },
        t,
      );
      await page.waitForFunction(
        (value) => document.querySelector('#forward-readout')?.textContent?.startsWith(`t = ${value} `),
        t,
      );
    };
    const meanAbsoluteDifference = async () => {
      const clean = await canvasPixels(page, '#forward-clean');
      const noisy = await canvasPixels(page, '#forward-noisy');
      let total = 0;
      for (let i = 0; i < clean.data.length; i++) total += Math.abs(clean.data[i]! - noisy.data[i]!);
      return total / clean.data.length;
    };
    // The readout shows the served scheduler's ᾱ_t, as @diffuse/schedules computes it here.
    const schedule = scheduleOf(await readServedSchedulerConfig(distFolder));
    const last = schedule.numTrainTimesteps - 1;
    await setTimestep(0);
    expect(await meanAbsoluteDifference()).toBeLessThan(6);
    expect(await page.textContent('#forward-readout')).toContain(`ᾱ_t = ${schedule.alphasCumprod[0]!.toFixed(5)} `);
    await setTimestep(last);
    expect(await meanAbsoluteDifference()).toBeGreaterThan(20);
    expect(await page.textContent('#forward-readout')).toContain(`ᾱ_t = ${schedule.alphasCumprod[last]!.toFixed(5)} `);
  });

  it('trains a 2-D model in the tab on WebGPU with @diffuse/train, plotting the loss and samples, without leaking', async () => {
    await waitForRun(page, 1);
    const before = await page.evaluate(() => window.__diffuse.memory().numTensors);
    const start = Date.now();
    const summary = await train(page, { steps: 4, batch: 64, sampleSteps: 3 });
    console.info(`web e2e: 4 training steps + 3 DDIM steps on webgpu in ${Date.now() - start} ms`);
    expect(summary.steps).toEqual([1, 2, 3, 4]);
    expect(summary.losses.every(Number.isFinite)).toBe(true);
    expect(summary.samples).toHaveLength(2 * 512);
    expect(summary.samples.every(Number.isFinite)).toBe(true);
    for (const canvas of ['#train-loss', '#train-samples']) {
      const pixels = await canvasPixels(page, canvas);
      expect(pixels.data.some((byte, i) => i % 4 === 3 && byte > 0)).toBe(true);
    }
    expect(await page.evaluate(() => window.__diffuse.memory().numTensors)).toBe(before);
  }, 240_000);

  it('by default passes over the software WebGPU adapter and falls back to wasm, saying why', async () => {
    wasmPage = await browser.context.newPage();
    await wasmPage.goto(`${server.origin}/`);
    await waitForReady(wasmPage);
    const backend = await wasmPage.evaluate(() => window.__diffuse.backend!);
    expect(backend.backend).toBe('wasm');
    expect(backend.reason).toMatch(/webgpu: .*software/);
    expect(await wasmPage.textContent('#backend-reason')).toMatch(/SIMD/);
    expect(await wasmPage.inputValue('#backend-select')).toBe('auto');
    // tfjs-backend-wasm fetched its binary from the build (no CDN, no server-side code).
    expect(server.requests.some((path) => /^\/tfjs-backend-wasm.*\.wasm$/.test(path))).toBe(true);
    // The menu asks for a backend explicitly (a reload with ?backend=).
    await Promise.all([wasmPage.waitForURL(/backend=wasm/), wasmPage.selectOption('#backend-select', 'wasm')]);
    await waitForReady(wasmPage);
    expect(await wasmPage.evaluate(() => window.__diffuse.backend!.reason)).toMatch(/requested preference \[wasm\]/);
  });

  it('learns the two moons in the tab (on wasm: long enough a run to learn)', async () => {
    try {
      const start = Date.now();
      const summary = await train(wasmPage, { steps: 400, batch: 256, sampleSteps: 25 });
      console.info(
        `web e2e: 400 training steps + 25 DDIM steps on wasm in ${Date.now() - start} ms; losses ` +
          `${summary.losses.map((value) => value.toFixed(3)).join(' ')}; energy distance ${summary.energyDistance.toFixed(3)} ` +
          `(noise: ${summary.noiseEnergyDistance.toFixed(3)})`,
      );
      const first = summary.losses[0]!;
      const last = summary.losses.slice(-3).reduce((sum, value) => sum + value, 0) / 3;
      expect(last).toBeLessThan(0.8 * first);
      // The samples moved from N(0, I) towards the data.
      expect(summary.energyDistance).toBeLessThan(0.5 * summary.noiseEnergyDistance);
      await wasmPage.screenshot({ path: join(artifactsFolder, 'web-e2e-train.png'), fullPage: true });
    } finally {
      await wasmPage.close();
    }
  }, 240_000);

  it('offers every sampler and reports no page errors', async () => {
    const options = await page.$$eval('#sampler option', (nodes) =>
      nodes.map((node) => (node as HTMLOptionElement).value),
    );
    expect(options.sort()).toEqual([...SAMPLER_NAMES].sort());
    expect(pageErrors).toEqual([]);
  });
});
