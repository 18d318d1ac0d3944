import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoError } from '@diffuse/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffuse-io-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes text and bytes, replacing the previous content, and leaves no temporary file', async () => {
    const path = join(dir, 'config.json');
    await writeFileAtomic(path, '{"a":1}');
    expect(await readFile(path, 'utf8')).toBe('{"a":1}');
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
    await writeFileAtomic(path, bytes);
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('keeps the previous file and removes the temporary one when the rename fails', async () => {
    const path = join(dir, 'weights.safetensors');
    await writeFile(path, 'previous');
    const failure = writeFileAtomic(path, 'new content', {
      fileSystem: {
        rename: async () => {
          throw Object.assign(new Error('EXDEV: simulated rename failure'), { code: 'EXDEV' });
        },
      },
    });
    await expect(failure).rejects.toSatisfy(
      (error: unknown) =>
        IoError.isInstance(error) && /weights\.safetensors.*simulated rename failure/.test(error.message),
    );
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['weights.safetensors']);
  });

  it('keeps the previous file and removes the temporary one when a write fails midway', async () => {
    const path = join(dir, 'weights.safetensors');
    await writeFile(path, 'previous');
    let temporaryPath = '';
    const failingOpen = (async (file: string, flags: string, mode?: number) => {
      temporaryPath = file;
      const handle = await open(file, flags, mode);
      let calls = 0;
      return new Proxy(handle, {
        get(target, property) {
          if (property === 'write') {
            return async (buffer: Uint8Array, offset: number, length: number) => {
              calls++;
              if (calls > 1) throw new Error('ENOSPC: simulated full disk');
              return target.write(buffer, offset, Math.min(length, 10));
            };
          }
          const value = Reflect.get(target, property);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    }) as unknown as typeof open;
    await expect(writeFileAtomic(path, new Uint8Array(1000), { fileSystem: { open: failingOpen } })).rejects.toThrow(
      /ENOSPC/,
    );
    expect(temporaryPath).toMatch(/\.weights\.safetensors\.[0-9a-f]+\.tmp$/);
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['weights.safetensors']);
  });

  it('fails with an IoError naming the path when the folder does not exist', async () => {
    const path = join(dir, 'missing', 'file.txt');
    await expect(writeFileAtomic(path, 'x')).rejects.toSatisfy(
      (error: unknown) => IoError.isInstance(error) && error.argument === path,
    );
  });
});
