import { initBackend } from '@diffuse/backends';
import { beforeAll, expect, it } from 'vitest';
import { runQuickStart } from '../test/quick-start.js';
import * as core from './index.js';
import { expectNoTensorLeak } from './index.js';

// One backend is enough: the quick start's numbers are backend-independent.
beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

it('README quick start runs as written (≤ 15 lines), without leaks', async () => {
  const modules = { '@diffuse/core': core };
  const run = await expectNoTensorLeak(() => runQuickStart(new URL('../README.md', import.meta.url), modules));
  expect(run.lineCount).toBeLessThanOrEqual(15);
  expect(run.logged).toEqual(['[4,28,28,1] 1000']);
});
