/**
 * Node additions to {@link BrowserUNet2DModel}: load from and save to diffusers model folders on disk.
 * Kept out of the main entry so that it stays browser-safe.
 */
import { readDiffusersModelFolder, writeDiffusersModelFolder } from '@diffuse/io/node';
import { UNet2DModel as BrowserUNet2DModel, type UNet2DModelOptions } from '../unet-2d-model.js';

/**
 * Writes `model` as a diffusers model folder (`config.json` and `diffusion_pytorch_model.safetensors`,
 * PyTorch layouts, F32, metadata `format: pt`), atomically per file, config last; diffusers'
 * `UNet2DModel.from_pretrained(dir)` reads it.
 *
 * @example
 * await savePretrained(model, 'checkpoints/unet');
 */
export async function savePretrained(model: BrowserUNet2DModel, dir: string): Promise<void> {
  const tensors = await model.stateDict();
  await writeDiffusersModelFolder(dir, { config: model.config, tensors });
}

/**
 * {@link BrowserUNet2DModel} with diffusers folder I/O for Node: `UNet2DModel.fromPretrained(dir)` and
 * `model.savePretrained(dir)`.
 *
 * @example
 * import { UNet2DModel } from '@diffuse/models/node';
 * const model = await UNet2DModel.fromPretrained('ddpm-cifar10-32/unet');
 * await model.savePretrained('copy/unet');
 */
export class UNet2DModel extends BrowserUNet2DModel {
  /**
   * Loads a diffusers model folder (`config.json` + `diffusion_pytorch_model.safetensors`, or
   * `weightsName`). Missing files are `IoError`s; weights that do not fit the config a
   * `WeightMismatchError`.
   */
  static async fromPretrained(
    dir: string,
    options: Omit<UNet2DModelOptions, 'initialValues'> & { weightsName?: string } = {},
  ): Promise<UNet2DModel> {
    const { weightsName, ...modelOptions } = options;
    const files = await readDiffusersModelFolder(dir, weightsName === undefined ? {} : { weightsName });
    return UNet2DModel.fromFiles(files, modelOptions);
  }

  /** Writes this model as a diffusers model folder (see {@link savePretrained}). */
  savePretrained(dir: string): Promise<void> {
    return savePretrained(this, dir);
  }
}
