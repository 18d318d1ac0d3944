/**
 * Atomic file writes: readers see the old file or the new one, never a torn mix, and a crash mid-write
 * leaves the old file in place.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IoError } from '@diffuse/core';

/** The file-system calls {@link writeFileAtomic} makes; replace them in tests to simulate failures. */
export interface AtomicWriteFileSystem {
  open: typeof open;
  rename: typeof rename;
  unlink: typeof unlink;
}

const nodeFileSystem: AtomicWriteFileSystem = { open, rename, unlink };

/**
 * Writes `data` to `path` atomically: into a temporary file in the same folder (`.<name>.<random>.tmp`),
 * `fsync`, then `rename` over `path`, then `fsync` of the folder (where the platform allows it). On failure
 * the temporary file is removed, `path` keeps its previous content, and an {@link IoError} names `path`.
 *
 * @example
 * await writeFileAtomic('out/config.json', JSON.stringify(config));
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: { fileSystem?: Partial<AtomicWriteFileSystem> } = {},
): Promise<void> {
  const fileSystem = { ...nodeFileSystem, ...options.fileSystem };
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await fileSystem.open(temporary, 'wx', 0o644);
    created = true;
    try {
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fileSystem.rename(temporary, path);
    created = false;
  } catch (cause) {
    if (created) await fileSystem.unlink(temporary).catch(() => undefined);
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IoError({ argument: path, expected: 'a writable file path', received: reason, cause });
  }
  await syncDirectory(fileSystem, dirname(path));
}

/** Makes the rename durable; some platforms (Windows) cannot open a folder, which is harmless. */
async function syncDirectory(fileSystem: AtomicWriteFileSystem, directory: string): Promise<void> {
  try {
    const handle = await fileSystem.open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here: the data is written and renamed; only durability across a power cut is weaker.
  }
}
