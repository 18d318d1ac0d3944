import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQuickStart } from '../../../core/test/quick-start.js';
import * as io from '../index.js';
import * as ioNode from './index.js';

const fashionMnist = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

describe.skipIf(!existsSync(fashionMnist))('README quick start', () => {
  it('runs as written (≤ 15 lines, files under out/) and prints what it claims', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diffuse-io-readme-'));
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const run = await runQuickStart(new URL('../../README.md', import.meta.url), {
        '@diffuse/io': io,
        '@diffuse/io/node': ioNode,
      });
      expect(run.lineCount).toBeLessThanOrEqual(15);
      expect(run.logged).toEqual(['"UNet2DModel" 1 [60000,28,28]']);
      expect(run.claimed).toEqual(['UNet2DModel 1 [60000, 28, 28]']);
      expect(existsSync(join(dir, 'out', 'fashion.png'))).toBe(true);
    } finally {
      process.chdir(previous);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
