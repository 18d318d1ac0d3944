/**
 * Launches the system's Debian Chromium through playwright-core (never a downloaded browser), headless,
 * with WebGPU enabled (SwiftShader's Vulkan adapter on machines without a GPU) and a fresh profile.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags: WebGPU on (`--enable-unsafe-webgpu`; headless Chromium then exposes SwiftShader's Vulkan
 * adapter, no further flag needed on Debian 12's chromium), no sandbox (containers), nothing that
 * talks to the network.
 */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
];

/** A browser context on a throw-away profile; `close()` ends the browser and deletes the profile. */
export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh `--user-data-dir` (playwright's persistent context on a temp dir). */
export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (\`apt-get install chromium\`)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'diffuse-web-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
