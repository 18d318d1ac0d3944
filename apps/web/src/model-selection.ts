/**
 * Build-time (Node) choice of the model folder the page ships: the committed pretrained model when the
 * repository has it, else a small fixture U-Net, so the build works on any checkout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** Picks the model folder under `repoRoot`; `prefer: 'fixture'` forces the fixture (tests). */
export function selectModel(repoRoot: string, options: { prefer?: 'pretrained' | 'fixture' } = {}): ModelSelection {
  const pretrained = join(repoRoot, PRETRAINED_MODEL_FOLDER);
  const usePretrained = options.prefer !== 'fixture' && hasModel(pretrained);
  const origin = usePretrained ? PRETRAINED_MODEL_FOLDER : FIXTURE_MODEL_FOLDER;
  const directory = join(repoRoot, origin);
  if (!hasModel(directory)) throw new Error(`no diffusers model (${MODEL_FILES.join(', ')}) in ${directory}`);
  const files = [...MODEL_FILES, ...OPTIONAL_FILES.filter((file) => existsSync(join(directory, file)))];
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
