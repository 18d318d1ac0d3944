import { describeBackends } from '@diffuse/backends/testing';
import * as core from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { runQuickStart } from '../../core/test/quick-start.js';
import * as conditioning from './index.js';

describeBackends(
  'README quick start',
  () => {
    it('runs as written (≤ 15 lines), prints what it claims and leaks nothing', async () => {
      const modules = { '@diffuse/conditioning': conditioning, '@diffuse/core': core, '@tensorflow/tfjs-core': tf };
      const run = await core.expectNoTensorLeak(() => runQuickStart(new URL('../README.md', import.meta.url), modules));
      expect(run.lineCount).toBeLessThanOrEqual(15);
      expect(run.logged).toEqual(run.claimed);
    });
  },
  { only: ['cpu'] },
);
