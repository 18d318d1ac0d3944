import { readFileSync } from 'node:fs';
import { describeBackends } from '@diffuse/backends/testing';
import { NoiseGenerator } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { ClassConditioner, dropClassLabels, guidedDenoiser } from './index.js';

describeBackends(
  'README quick start',
  () => {
    it('runs as written (≤ 15 lines), prints what it claims and leaks nothing', async () => {
      const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
      const quickStart = /## Quick start\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
      expect(quickStart.split('\n').filter(Boolean).length).toBeLessThanOrEqual(15);
      const body = quickStart.replace(/^import .*$/gm, '');
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const before = tf.memory().numTensors;
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<void>;
      const run = new AsyncFunction(
        'tf',
        'NoiseGenerator',
        'ClassConditioner',
        'dropClassLabels',
        'guidedDenoiser',
        body,
      );
      await run(tf, NoiseGenerator, ClassConditioner, dropClassLabels, guidedDenoiser);
      const lines = log.mock.calls.map((call) => call.map((value) => JSON.stringify(value)).join(' '));
      log.mockRestore();
      const claimed = /console\.log\(.*\/\/ (.*)$/m.exec(quickStart)?.[1];
      expect(lines).toEqual([claimed]);
      expect(tf.memory().numTensors).toBe(before);
    });
  },
  { only: ['cpu'] },
);
