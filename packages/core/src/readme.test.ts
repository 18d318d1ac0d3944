import * as backends from '@diffuse/backends';
import { describeBackends } from '@diffuse/backends/testing';
import { expect, it } from 'vitest';
import { runQuickStart } from '../test/quick-start.js';
import * as core from './index.js';
import { expectNoTensorLeak } from './index.js';

describeBackends(
  'README quick start',
  () => {
    it('runs as written (≤ 15 lines), without leaks', async () => {
      // initBackend is the test's (the backend is already chosen).
      const modules = { '@diffuse/backends': { ...backends, initBackend: async () => {} }, '@diffuse/core': core };
      const run = await expectNoTensorLeak(() => runQuickStart(new URL('../README.md', import.meta.url), modules));
      expect(run.lineCount).toBeLessThanOrEqual(15);
      expect(run.logged).toEqual(['[4,28,28,1] 1000']);
    });
  },
  { only: ['cpu'] },
);
