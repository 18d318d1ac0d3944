/**
 * The page's sampling pipeline, run in Node on the model files the build serves (`dist/model/`, the same
 * bytes the browser fetched): the reference the browser's numbers are compared with.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendName } from '@diffuse/backends';
import { initBackend } from '@diffuse/backends';
import { parseConfigJson, parseDiffusersModel } from '@diffuse/io';
import { UNet2DModel } from '@diffuse/models';
import { isModelManifest, MODEL_MANIFEST_FILE, type ModelManifest } from '../../src/model-manifest.js';
import { runSampling, type SamplingResult, sampleFormatOf } from '../../src/sampling-pipeline.js';
import type { SamplingSettings } from '../../src/sampling-settings.js';
import { DEFAULT_SCHEDULER_CONFIG } from '../../src/scheduler-config.js';

/** Reads `dist/model-manifest.json`. */
export async function readManifest(distFolder: string): Promise<ModelManifest> {
  const manifest: unknown = JSON.parse(await readFile(join(distFolder, MODEL_MANIFEST_FILE), 'utf8'));
  if (!isModelManifest(manifest)) throw new Error(`${distFolder}/${MODEL_MANIFEST_FILE} is not a model manifest`);
  return manifest;
}

/** The scheduler config the page uses for the served model (its `scheduler_config.json`, else the defaults). */
export async function readServedSchedulerConfig(distFolder: string): Promise<Readonly<Record<string, unknown>>> {
  const manifest = await readManifest(distFolder);
  if (!manifest.files.includes('scheduler_config.json')) return DEFAULT_SCHEDULER_CONFIG;
  const text = await readFile(join(distFolder, manifest.path, 'scheduler_config.json'), 'utf8');
  return parseConfigJson(text, 'scheduler_config.json');
}

/** Runs `settings` through the page's pipeline on `backend` with the model in `distFolder`. */
export async function sampleInNode(options: {
  distFolder: string;
  backend: BackendName;
  settings: SamplingSettings;
}): Promise<SamplingResult> {
  const manifest = await readManifest(options.distFolder);
  const folder = join(options.distFolder, manifest.path);
  const [config, weights, schedulerConfig] = await Promise.all([
    readFile(join(folder, 'config.json'), 'utf8'),
    readFile(join(folder, 'diffusion_pytorch_model.safetensors')),
    readServedSchedulerConfig(options.distFolder),
  ]);
  await initBackend({ prefer: options.backend, env: {} });
  const model = UNet2DModel.fromFiles(parseDiffusersModel({ config, weights: new Uint8Array(weights) }));
  try {
    return await runSampling({
      model,
      schedulerConfig,
      format: sampleFormatOf(model.unetConfig),
      settings: options.settings,
    });
  } finally {
    model.dispose();
  }
}
