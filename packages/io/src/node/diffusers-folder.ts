/**
 * diffusers folders on disk: a model folder (`config.json` + `diffusion_pytorch_model.safetensors`) and a
 * scheduler folder (`scheduler_config.json`), read and written like `from_pretrained`/`save_pretrained`.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, IoError } from '@diffuse/core';
import {
  DIFFUSERS_CONFIG_NAME,
  DIFFUSERS_WEIGHTS_NAME,
  type DiffusersModelFiles,
  parseConfigJson,
  stringifyConfigJson,
} from '../diffusers-model.js';
import { readSafetensors, type SafetensorsFile } from '../read-safetensors.js';
import { type SafetensorsTensorInput, writeSafetensors } from '../write-safetensors.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** File name of a diffusers scheduler config. */
export const SCHEDULER_CONFIG_NAME = 'scheduler_config.json';

/** Reads a whole file; a missing or unreadable file is an {@link IoError} naming it. */
export async function readFileBytes(path: string, what = 'file'): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    throw new IoError({
      argument: path,
      expected: `a readable ${what}`,
      received: code === 'ENOENT' ? 'no such file' : cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
}

async function readJsonFile(path: string, what: string): Promise<Record<string, unknown>> {
  const bytes = await readFileBytes(path, what);
  return parseConfigJson(new TextDecoder().decode(bytes), path);
}

/**
 * Reads a diffusers model folder: `config.json` and `diffusion_pytorch_model.safetensors` (or
 * `weightsName`, e.g. `diffusion_pytorch_model.fp16.safetensors`), or, when that file is absent, the
 * shards listed in `diffusion_pytorch_model.safetensors.index.json`. A missing file is an
 * {@link IoError} naming it; a malformed one a `FormatError`.
 *
 * @example
 * const { config, weights } = await readDiffusersModelFolder('checkpoints/unet');
 */
export async function readDiffusersModelFolder(
  dir: string,
  options: { weightsName?: string } = {},
): Promise<DiffusersModelFiles> {
  const config = await readJsonFile(join(dir, DIFFUSERS_CONFIG_NAME), 'diffusers model config');
  const weightsPath = join(dir, options.weightsName ?? DIFFUSERS_WEIGHTS_NAME);
  const indexPath = `${weightsPath}.index.json`;
  if (!(await isFile(weightsPath)) && (await isFile(indexPath))) {
    return { config, weights: await readShardedWeights(dir, indexPath) };
  }
  return { config, weights: readSafetensors(await readFileBytes(weightsPath, 'safetensors weights file')) };
}

/**
 * Sharded weights (`save_pretrained(max_shard_size=...)`): `<weights>.index.json` maps each tensor to a
 * shard file in the same folder. Every listed tensor must be in its shard; the shards' metadata is merged.
 */
async function readShardedWeights(dir: string, indexPath: string): Promise<SafetensorsFile> {
  const weightMap = (await readJsonFile(indexPath, 'safetensors shard index')).weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new FormatError({
      argument: `${indexPath}.weight_map`,
      expected: 'an object of tensor name → shard file',
      received: weightMap,
    });
  }
  const entries = Object.entries(weightMap as Record<string, unknown>);
  const loaded = new Map<string, SafetensorsFile>();
  const metadata: Record<string, string> = {};
  for (const [name, shard] of entries) {
    if (typeof shard !== 'string' || /[/\\]/.test(shard) || shard.startsWith('.')) {
      throw new FormatError({
        argument: `${indexPath}.weight_map["${name}"]`,
        expected: 'a file name in the same folder',
        received: shard,
      });
    }
    if (!loaded.has(shard)) {
      const file = readSafetensors(await readFileBytes(join(dir, shard), 'safetensors shard'));
      loaded.set(shard, file);
      Object.assign(metadata, file.metadata);
    }
  }
  const tensors: SafetensorsFile['tensors'] = new Map();
  for (const [name, shard] of entries) {
    const tensor = loaded.get(shard as string)?.tensors.get(name);
    if (!tensor) {
      throw new FormatError({
        argument: join(dir, shard as string),
        expected: `tensor "${name}" (listed in the shard index)`,
        received: 'no such tensor',
      });
    }
    tensors.set(name, tensor);
  }
  return { tensors, metadata };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Writes a diffusers model folder (creating `dir`): the weights as F32 safetensors with metadata
 * `{ format: 'pt', ...metadata }` (what `save_pretrained` writes), then `config.json` (sorted keys,
 * two-space indent). Each file is written atomically, the config last, so a folder with a config always
 * has the weights that go with it.
 *
 * @example
 * await writeDiffusersModelFolder('checkpoints/unet', { config, tensors: model.namedWeights() });
 */
export async function writeDiffusersModelFolder(
  dir: string,
  files: {
    config: Record<string, unknown>;
    tensors: Map<string, SafetensorsTensorInput> | Record<string, SafetensorsTensorInput>;
    metadata?: Record<string, string>;
  },
): Promise<void> {
  const configText = stringifyConfigJson(files.config);
  const weights = writeSafetensors({ tensors: files.tensors, metadata: { format: 'pt', ...files.metadata } });
  await makeDirectory(dir);
  await writeFileAtomic(join(dir, DIFFUSERS_WEIGHTS_NAME), weights);
  await writeFileAtomic(join(dir, DIFFUSERS_CONFIG_NAME), configText);
}

/**
 * Reads a diffusers scheduler config: `path` is the JSON file itself, or a folder holding
 * `scheduler_config.json` (a pipeline folder's `scheduler/` subfolder is also looked in).
 *
 * @example
 * const json = await readSchedulerConfig('checkpoints/scheduler'); // { _class_name: 'DDPMScheduler', ... }
 */
export async function readSchedulerConfig(path: string): Promise<Record<string, unknown>> {
  const kind = await stat(path).catch(() => undefined);
  if (kind?.isFile()) return readJsonFile(path, 'scheduler config');
  const direct = join(path, SCHEDULER_CONFIG_NAME);
  const nested = join(path, 'scheduler', SCHEDULER_CONFIG_NAME);
  if (
    kind?.isDirectory() &&
    !(await stat(direct).catch(() => undefined)) &&
    (await stat(nested).catch(() => undefined))
  ) {
    return readJsonFile(nested, 'scheduler config');
  }
  return readJsonFile(direct, 'scheduler config');
}

/**
 * Writes `scheduler_config.json` into `dir` (created if needed), atomically, sorted keys like diffusers.
 *
 * @example
 * await writeSchedulerConfig('checkpoints/scheduler', sampler.config);
 */
export async function writeSchedulerConfig(dir: string, config: Record<string, unknown>): Promise<void> {
  const text = stringifyConfigJson(config);
  await makeDirectory(dir);
  await writeFileAtomic(join(dir, SCHEDULER_CONFIG_NAME), text);
}

async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IoError({ argument: dir, expected: 'a folder that can be created', received: reason, cause });
  }
}
