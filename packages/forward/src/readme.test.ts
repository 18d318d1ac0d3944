import { initBackend } from '@diffuse/backends';
import * as schedules from '@diffuse/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { runQuickStart } from '../../core/test/quick-start.js';
import * as forward from './index.js';

// One backend is enough: the quick start's numbers are backend-independent.
beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

it('README quick start runs as written (≤ 15 lines)', async () => {
  const modules = {
    '@diffuse/forward': forward,
    '@diffuse/schedules': schedules,
    '@tensorflow/tfjs-core': tf,
  };
  const run = await runQuickStart(new URL('../README.md', import.meta.url), modules);
  expect(run.lineCount).toBeLessThanOrEqual(15);
  expect(run.logged).toHaveLength(1);
  expect(Number(JSON.parse(run.logged[0]!))).toBeLessThan(1e-5); // claimed: ≈ 0
});
