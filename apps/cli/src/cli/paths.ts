/**
 * Paths inside the @diffuse/cli package (the committed pretrained models), found from this module's
 * location so that they resolve from `dist/bin.js` and from the TypeScript source alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder of @diffuse/cli's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@diffuse/cli'
    ) {
      root = directory;
      return directory;
    }
    const parent = dirname(directory);
    if (parent === directory) throw new Error('@diffuse/cli: package.json not found above this module');
    directory = parent;
  }
}

/** The committed pretrained Fashion-MNIST U-Net (diffusers folder). */
export function pretrainedModelDirectory(): string {
  return join(packageRoot(), 'pretrained', 'fashion-mnist-unet');
}

/** The committed Fashion-MNIST feature classifier. */
export function pretrainedClassifierDirectory(): string {
  return join(packageRoot(), 'pretrained', 'fashion-mnist-classifier');
}
