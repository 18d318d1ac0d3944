/**
 * Fetches the model the build serves: the manifest written by the `diffuse-assets` Vite plugin, then
 * the diffusers folder through `@diffuse/io` (config.json + safetensors), and the scheduler config when
 * the folder has one.
 */
import { type DiffusersModelFiles, fetchDiffusersModel, parseConfigJson } from '@diffuse/io';
import { isModelManifest, MODEL_MANIFEST_FILE, type ModelManifest } from './model-manifest.js';

/** The served model's files. */
export interface ServedModel {
  manifest: ModelManifest;
  /** Absolute URL of the model folder. */
  url: string;
  files: DiffusersModelFiles;
  /** `scheduler_config.json`, parsed; undefined when the folder has none. */
  schedulerConfig: Record<string, unknown> | undefined;
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

/** Fetches the manifest and the model it names, relative to `pageUrl`. */
export async function fetchServedModel(pageUrl: string): Promise<ServedModel> {
  const manifestUrl = new URL(MODEL_MANIFEST_FILE, pageUrl).href;
  const manifest = await fetchJson(manifestUrl);
  if (!isModelManifest(manifest)) throw new Error(`${manifestUrl} is not a model manifest`);
  const url = new URL(manifest.path, pageUrl).href;
  const [files, schedulerConfig] = await Promise.all([
    fetchDiffusersModel(url),
    manifest.files.includes('scheduler_config.json')
      ? fetchJson(new URL('scheduler_config.json', url).href).then((json) =>
          parseConfigJson(json as Record<string, unknown>, 'scheduler_config.json'),
        )
      : Promise.resolve(undefined),
  ]);
  return { manifest, url, files, schedulerConfig };
}
