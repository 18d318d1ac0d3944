/**
 * The playground in a real browser: Debian's Chromium, headless, WebGPU on (SwiftShader here), serving
 * the static build (`apps/web/dist`, built by `pnpm test`'s turbo step) from a tiny Node server.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { type StaticServer, serveStatic } from './support/static-server.js';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distFolder = join(appRoot, 'dist');
const artifactsFolder = resolve(appRoot, '../../test-artifacts');

describe('playground in headless Chromium', () => {
  let server: StaticServer;
  let browser: LaunchedBrowser;
  let page: Page;
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
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('starts on WebGPU and loads the served model', async () => {
    await page.goto(`${server.origin}/?backend=webgpu`);
    await page.waitForFunction(() => window.__diffuse?.status !== 'starting', null, { timeout: 60_000 });
    const state = await page.evaluate(() => ({
      status: window.__diffuse.status,
      error: window.__diffuse.error,
      backend: window.__diffuse.backend?.backend,
      details: window.__diffuse.backend?.details,
      model: window.__diffuse.model?.source,
    }));
    expect(state.error).toBeUndefined();
    expect(state.status).toBe('ready');
    expect(state.backend).toBe('webgpu');
    expect(state.details).toMatch(/WebGPU adapter/);
    expect(await page.textContent('#backend-badge')).toBe('backend: webgpu');
    expect(server.requests).toContain('/model/diffusion_pytorch_model.safetensors');
    mkdirSync(artifactsFolder, { recursive: true });
    await page.screenshot({ path: join(artifactsFolder, 'web-e2e.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('by default passes over the software WebGPU adapter and falls back to wasm, saying why', async () => {
    const fallbackPage = await browser.context.newPage();
    try {
      await fallbackPage.goto(`${server.origin}/`);
      await fallbackPage.waitForFunction(() => window.__diffuse?.status !== 'starting', null, { timeout: 60_000 });
      const state = await fallbackPage.evaluate(() => ({
        status: window.__diffuse.status,
        error: window.__diffuse.error,
        backend: window.__diffuse.backend?.backend,
        reason: window.__diffuse.backend?.reason,
      }));
      expect(state.error).toBeUndefined();
      expect(state.backend).toBe('wasm');
      expect(state.reason).toMatch(/webgpu: .*software/);
      expect(await fallbackPage.textContent('#backend-reason')).toMatch(/SIMD/);
      // tfjs-backend-wasm fetched its binary from the build (no CDN, no server-side code).
      expect(server.requests.some((path) => /^\/tfjs-backend-wasm.*\.wasm$/.test(path))).toBe(true);
    } finally {
      await fallbackPage.close();
    }
  });
});
