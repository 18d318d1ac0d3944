import { initBackend } from '@diffuse/backends';
import * as core from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { runQuickStart } from '../../core/test/quick-start.js';
import * as conditioning from './index.js';

// One backend is enough: the quick start's numbers are backend-independent.
beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

it('README quick start runs as written (≤ 15 lines), prints what it claims and leaks nothing', async () => {
  const modules = { '@diffuse/conditioning': conditioning, '@diffuse/core': core, '@tensorflow/tfjs-core': tf };
  const run = await core.expectNoTensorLeak(() => runQuickStart(new URL('../README.md', import.meta.url), modules));
  expect(run.lineCount).toBeLessThanOrEqual(15);
  expect(run.logged).toEqual(run.claimed);
});
