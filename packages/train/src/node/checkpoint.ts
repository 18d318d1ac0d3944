/**
 * Checkpoints on disk, written so that a crash at any moment leaves the previous one loadable:
 *
 *     <run>/checkpoint-<step>/
 *       training_state/model.safetensors       trainable variables by name (tfjs layout)
 *       training_state/ema.safetensors         EMA weights (when the trainer keeps an EMA)
 *       training_state/optimizer.safetensors   Adam moments: first_moment.<name>, second_moment.<name>
 *       training_state/trainer_state.json      step, seed, optimiser/EMA steps, your run config
 *       model/, ema_model/                     the model for sampling: `exportModel`'s output, or by
 *                                              default config.json (if the model has `toConfigJson`) +
 *                                              diffusion_pytorch_model.safetensors
 *     <run>/latest                             "checkpoint-<step>", replaced atomically
 *
 * A checkpoint is assembled in a hidden temporary folder, renamed into place when complete, and only
 * then does `latest` (written with `writeFileAtomic`: temp file + rename) point to it. The random state
 * is the seed: the generator is counter-based, keyed by the step.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { disposeAll, FormatError, IoError, requireInteger } from '@diffuse/core';
import { parseConfigJson, readSafetensors, stringifyConfigJson, writeSafetensors } from '@diffuse/io';
import { writeFileAtomic } from '@diffuse/io/node';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import type { Trainer, TrainerState } from '../trainer.js';

/** The pointer file naming the newest complete checkpoint. */
export const LATEST_CHECKPOINT_FILE = 'latest';
const STATE_FOLDER = 'training_state';
const STATE_FILE = 'trainer_state.json';
const FORMAT_VERSION = 1;

/** What `exportModel` receives: a folder to fill and the weights to write (live tensors, do not dispose). */
export interface ExportModelInput {
  directory: string;
  /** `model` (current weights) or `ema` (averaged weights). */
  kind: 'model' | 'ema';
  weights: Readonly<Record<string, Tensor>>;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** The run folder (created if needed). */
  directory: string;
  trainer: Trainer;
  /** Your run configuration (JSON), stored in trainer_state.json and returned by {@link loadCheckpoint}. */
  config?: Record<string, unknown>;
  /** Writes the sampling model (e.g. a UNet2DModel's diffusers folder). Default: see the file comment. */
  exportModel?: (input: ExportModelInput) => Promise<void>;
  /** Keep only the newest `keepLast` checkpoints (default: keep all). */
  keepLast?: number;
  /** File writer (default `writeFileAtomic`); replace it in tests to simulate a failing disk. */
  writeFile?: (path: string, data: Uint8Array | string) => Promise<void>;
}

/** A loaded checkpoint: pass `state` to `trainer.setState`, then `disposeAll(state)`. */
export interface LoadedCheckpoint {
  /** The checkpoint folder read. */
  directory: string;
  state: TrainerState;
  /** The run configuration saved with it. */
  config: Record<string, unknown>;
}

async function tensorsToSafetensors(tensors: Readonly<Record<string, Tensor>>, prefix = ''): Promise<Uint8Array> {
  const entries: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, value] of Object.entries(tensors)) {
    entries[`${prefix}${name}`] = { shape: [...value.shape], data: (await value.data()) as Float32Array };
  }
  return writeSafetensors({ tensors: entries });
}

async function defaultExportModel(
  input: ExportModelInput & { model: unknown; writeFile: (path: string, data: Uint8Array | string) => Promise<void> },
): Promise<void> {
  await mkdir(input.directory, { recursive: true });
  const bytes = await tensorsToSafetensors(input.weights);
  await input.writeFile(join(input.directory, 'diffusion_pytorch_model.safetensors'), bytes);
  const model = input.model as { toConfigJson?: () => Record<string, unknown> };
  if (typeof model.toConfigJson === 'function') {
    await input.writeFile(join(input.directory, 'config.json'), stringifyConfigJson(model.toConfigJson()));
  }
}

/**
 * Saves the trainer's full state as `<directory>/checkpoint-<step>` and points `latest` at it.
 * Returns the checkpoint folder. On failure the previous checkpoint stays the `latest` one.
 *
 * @example
 * await runTraining({ trainer, untilStep: 3000,
 *   hooks: [{ every: 500, run: () => saveCheckpoint({ directory: 'runs/moons', trainer, keepLast: 2 }) }] });
 */
export async function saveCheckpoint(options: SaveCheckpointOptions): Promise<string> {
  const { directory, trainer } = options;
  const writeFile = options.writeFile ?? writeFileAtomic;
  const name = `checkpoint-${trainer.step}`;
  const final = join(directory, name);
  const partial = join(directory, `.${name}.partial-${randomBytes(4).toString('hex')}`);
  const state = trainer.getState();
  try {
    await mkdir(join(partial, STATE_FOLDER), { recursive: true });
    const stateFolder = join(partial, STATE_FOLDER);
    await writeFile(join(stateFolder, 'model.safetensors'), await tensorsToSafetensors(state.model));
    if (state.ema) await writeFile(join(stateFolder, 'ema.safetensors'), await tensorsToSafetensors(state.ema.weights));
    const moments = {
      ...Object.fromEntries(Object.entries(state.optimizer.firstMoments).map(([k, v]) => [`first_moment.${k}`, v])),
      ...Object.fromEntries(Object.entries(state.optimizer.secondMoments).map(([k, v]) => [`second_moment.${k}`, v])),
    };
    await writeFile(join(stateFolder, 'optimizer.safetensors'), await tensorsToSafetensors(moments));
    const json = {
      format_version: FORMAT_VERSION,
      step: state.step,
      seed: state.seed,
      optimizer_step: state.optimizer.step,
      ema_step: state.ema?.step ?? null,
      config: options.config ?? {},
    };
    await writeFile(join(stateFolder, STATE_FILE), `${JSON.stringify(json, null, 2)}\n`);
    const exportModel =
      options.exportModel ??
      ((input: ExportModelInput) => defaultExportModel({ ...input, model: trainer.options.model, writeFile }));
    await exportModel({ directory: join(partial, 'model'), kind: 'model', weights: state.model });
    if (state.ema)
      await exportModel({ directory: join(partial, 'ema_model'), kind: 'ema', weights: state.ema.weights });
    await replaceDirectory(partial, final);
    await writeFile(join(directory, LATEST_CHECKPOINT_FILE), `${name}\n`);
  } catch (cause) {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
    if (IoError.isInstance(cause)) throw cause;
    throw new IoError({ argument: final, expected: 'a checkpoint written completely', received: String(cause), cause });
  } finally {
    disposeAll(state);
  }
  if (options.keepLast !== undefined)
    await pruneCheckpoints(directory, requireInteger('keepLast', options.keepLast, { min: 1 }));
  return final;
}

/** Moves a complete folder into place, replacing an older one of the same name. */
async function replaceDirectory(source: string, target: string): Promise<void> {
  const old = `${target}.old-${randomBytes(4).toString('hex')}`;
  let moved = false;
  try {
    await rename(target, old);
    moved = true;
  } catch {
    // no previous folder of that name
  }
  await rename(source, target);
  if (moved) await rm(old, { recursive: true, force: true });
}

async function pruneCheckpoints(directory: string, keepLast: number): Promise<void> {
  const steps = (await readdir(directory))
    .map((entry) => /^checkpoint-(\d+)$/.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => b - a);
  for (const step of steps.slice(keepLast))
    await rm(join(directory, `checkpoint-${step}`), { recursive: true, force: true });
}

/**
 * The newest complete checkpoint of a run folder (from `latest`), or `undefined` when there is none.
 *
 * @example
 * const resumeFrom = await latestCheckpoint('runs/moons'); // 'runs/moons/checkpoint-2500'
 */
export async function latestCheckpoint(directory: string): Promise<string | undefined> {
  try {
    const name = (await readFile(join(directory, LATEST_CHECKPOINT_FILE), 'utf8')).trim();
    return name ? join(directory, name) : undefined;
  } catch {
    return undefined;
  }
}

async function readTensors(path: string, prefix = ''): Promise<Record<string, Tensor>> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new IoError({ argument: path, expected: 'a checkpoint file', received: 'missing or unreadable', cause });
  }
  const out: Record<string, Tensor> = {};
  for (const [name, entry] of readSafetensors(bytes).tensors) {
    if (name.startsWith(prefix)) out[name.slice(prefix.length)] = tensor(entry.data, entry.shape, 'float32');
  }
  return out;
}

/**
 * Loads a checkpoint: `path` is a checkpoint folder, or a run folder (its `latest` checkpoint).
 *
 * @example
 * const { state } = await loadCheckpoint('runs/moons');
 * trainer.setState(state);
 * disposeAll(state);
 */
export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const directory = (await latestCheckpoint(path)) ?? path;
  const stateFolder = join(directory, STATE_FOLDER);
  let json: Record<string, unknown>;
  try {
    json = parseConfigJson(await readFile(join(stateFolder, STATE_FILE), 'utf8'), join(stateFolder, STATE_FILE));
  } catch (cause) {
    if (FormatError.isInstance(cause)) throw cause;
    throw new IoError({
      argument: 'path',
      expected: `a checkpoint folder or a run folder with a "${LATEST_CHECKPOINT_FILE}" file`,
      received: path,
      cause,
    });
  }
  if (json.format_version !== FORMAT_VERSION) {
    throw new FormatError({
      argument: `${STATE_FILE}.format_version`,
      expected: String(FORMAT_VERSION),
      received: json.format_version,
    });
  }
  const model = await readTensors(join(stateFolder, 'model.safetensors'));
  const optimizerTensors = [
    await readTensors(join(stateFolder, 'optimizer.safetensors'), 'first_moment.'),
    await readTensors(join(stateFolder, 'optimizer.safetensors'), 'second_moment.'),
  ] as const;
  const ema =
    typeof json.ema_step === 'number'
      ? { step: json.ema_step, weights: await readTensors(join(stateFolder, 'ema.safetensors')) }
      : undefined;
  return {
    directory,
    config: (json.config ?? {}) as Record<string, unknown>,
    state: {
      step: requireInteger(`${STATE_FILE}.step`, json.step, { min: 0 }),
      seed: requireInteger(`${STATE_FILE}.seed`, json.seed, { min: 0 }),
      model,
      optimizer: {
        step: requireInteger(`${STATE_FILE}.optimizer_step`, json.optimizer_step, { min: 0 }),
        firstMoments: optimizerTensors[0],
        secondMoments: optimizerTensors[1],
      },
      ema,
    },
  };
}
