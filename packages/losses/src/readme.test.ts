import { initBackend } from '@diffuse/backends';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { runQuickStart } from '../../core/test/quick-start.js';
import * as schedules from '../../schedules/src/index.js'; // not a dependency of losses: the README installs it
import * as losses from './index.js';

// One backend is enough: the quick start's numbers are backend-independent.
beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

it('README quick start runs as written (≤ 15 lines)', async () => {
  const modules = {
    '@diffuse/losses': losses,
    '@diffuse/schedules': schedules,
    '@tensorflow/tfjs-core': tf,
  };
  const run = await runQuickStart(new URL('../README.md', import.meta.url), modules);
  expect(run.lineCount).toBeLessThanOrEqual(15);
  expect(run.logged).toHaveLength(1);
  expect(run.logged[0]).toMatch(/^\{"0":[0-9.e-]+\} \[4,8,8,1\]$/); // claimed: [loss] [4, 8, 8, 1]
});
