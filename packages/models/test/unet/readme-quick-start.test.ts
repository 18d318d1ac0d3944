/**
 * The README's quick start runs as written (imports bound to the modules, the folder in a temporary
 * directory) and prints what its comment says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackends } from '@diffuse/backends/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { UNet2DModel } from '../../src/unet/node/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const quickStart = /## Quick start\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describeBackends(
  'README quick start',
  () => {
    it('runs and prints the shape and parameter count it claims', async () => {
      expect(quickStart.split('\n').filter(Boolean).length).toBeLessThanOrEqual(15);
      const folder = mkdtempSync(join(tmpdir(), 'diffuse-readme-'));
      const body = quickStart
        .replace(/^import .*$/gm, '')
        .replaceAll("'my-unet'", JSON.stringify(join(folder, 'my-unet')));
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const before = tf.memory().numTensors;
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<void>;
      // `copy` is returned so that the test can dispose what the snippet leaves alive.
      const run = new AsyncFunction('initBackend', 'UNet2DModel', 'tf', `${body}\nreturn { model, copy, epsilon };`);
      const { model, copy, epsilon } = (await run(async () => {}, UNet2DModel, tf)) as unknown as Record<
        string,
        { dispose(): void }
      >;
      const claimed = /console\.log\(.*\); \/\/ (.*)$/m.exec(quickStart)?.[1];
      expect(log.mock.calls[0]?.map((value) => JSON.stringify(value)).join(' ')).toBe(
        claimed?.replace(/\[(.*?)\]/, (m) => m.replaceAll(' ', '')),
      );
      log.mockRestore();
      for (const value of [model, copy, epsilon]) value?.dispose();
      expect(tf.memory().numTensors - before).toBe(1); // the snippet's own random sample
      rmSync(folder, { recursive: true, force: true });
    });
  },
  { only: ['wasm'] },
);
