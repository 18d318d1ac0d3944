/** Where the page finds the model the build ships (written by the `diffuse-assets` Vite plugin). */
export const MODEL_MANIFEST_FILE = 'model-manifest.json';

/** Which model folder the build serves, and where. */
export interface ModelManifest {
  /**
   * `pretrained`: the committed Fashion-MNIST model; `fixture`: a small randomly-initialised test U-Net;
   * `custom`: a folder chosen at build time with `DIFFUSE_WEB_MODEL_DIR`.
   */
  source: 'pretrained' | 'fixture' | 'custom';
  /** Short name shown in the UI. */
  name: string;
  /** One sentence about the model, shown in the UI. */
  description: string;
  /** URL folder (relative to the page, ending in `/`) holding the diffusers files. */
  path: string;
  /** The files of the folder: `config.json`, `diffusion_pytorch_model.safetensors`, maybe `scheduler_config.json`. */
  files: string[];
  /** Repository path of the folder the files come from. */
  origin: string;
}

/** True when `value` has the shape of a {@link ModelManifest}. */
export function isModelManifest(value: unknown): value is ModelManifest {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    (record.source === 'pretrained' || record.source === 'fixture' || record.source === 'custom') &&
    typeof record.name === 'string' &&
    typeof record.path === 'string' &&
    Array.isArray(record.files) &&
    record.files.every((file) => typeof file === 'string')
  );
}
