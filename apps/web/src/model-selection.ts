/**
 * Build-time (Node) choice of the model folder the page ships: the committed pretrained model when the
 * repository has it, else a small fixture U-Net, so the build works on any checkout; or any diffusers
 * UNet2DModel folder named by `DIFFUSE_WEB_MODEL_DIR`.
 */
import { existsSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { ModelManifest } from './model-manifest.js';

export { MODEL_MANIFEST_FILE, type ModelManifest } from './model-manifest.js';

/** The pretrained Fashion-MNIST U-Net, relative to the repository root. */
export const PRETRAINED_MODEL_FOLDER = 'apps/cli/pretrained/fashion-mnist-unet';
/** The fallback: diffusers' UNet2DModel with attention, 8×8×3, random weights (a test fixture). */
export const FIXTURE_MODEL_FOLDER = 'packages/models/test/fixtures/unet/attn-multihead';

const MODEL_FILES = ['config.json', 'diffusion_pytorch_model.safetensors'];
const OPTIONAL_FILES = ['scheduler_config.json'];

/** A model folder with its manifest. */
export interface ModelSelection {
  /** Absolute path of the folder. */
  directory: string;
  manifest: ModelManifest;
}

function hasModel(directory: string): boolean {
  return MODEL_FILES.every((file) => existsSync(join(directory, file)));
}

/** Environment variable naming another diffusers UNet2DModel folder to build the playground with. */
export const MODEL_DIR_ENV_VAR = 'DIFFUSE_WEB_MODEL_DIR';

function filesOf(directory: string): string[] {
  if (!hasModel(directory)) throw new Error(`no diffusers model (${MODEL_FILES.join(', ')}) in ${directory}`);
  return [...MODEL_FILES, ...OPTIONAL_FILES.filter((file) => existsSync(join(directory, file)))];
}

/**
 * Picks the model folder: `customDirectory` when given (relative to `repoRoot`), else the pretrained
 * model when the repository has it, else the fixture.
 */
export function selectModel(repoRoot: string, options: { customDirectory?: string } = {}): ModelSelection {
  if (options.customDirectory) {
    const directory = isAbsolute(options.customDirectory)
      ? options.customDirectory
      : resolve(repoRoot, options.customDirectory);
    return {
      directory,
      manifest: {
        source: 'custom',
        name: basename(directory),
        description: `A diffusers UNet2DModel folder chosen at build time (${MODEL_DIR_ENV_VAR}).`,
        path: 'model/',
        files: filesOf(directory),
        origin: directory,
      },
    };
  }
  const pretrained = join(repoRoot, PRETRAINED_MODEL_FOLDER);
  const usePretrained = hasModel(pretrained);
  const origin = usePretrained ? PRETRAINED_MODEL_FOLDER : FIXTURE_MODEL_FOLDER;
  const directory = join(repoRoot, origin);
  const files = filesOf(directory);
  const manifest: ModelManifest = usePretrained
    ? {
        source: 'pretrained',
        name: 'fashion-mnist-unet',
        description: 'UNet2DModel trained on Fashion-MNIST with @diffuse/train (committed in the repository).',
        path: 'model/',
        files,
        origin,
      }
    : {
        source: 'fixture',
        name: 'fixture: attn-multihead',
        description:
          'The pretrained model is not in this checkout: a small randomly-initialised diffusers UNet2DModel (test fixture) stands in, so samples are noise-like.',
        path: 'model/',
        files,
        origin,
      };
  return { directory, manifest };
}
