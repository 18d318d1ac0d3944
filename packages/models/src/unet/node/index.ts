/**
 * @diffuse/models/node — Node-only helpers: `UNet2DModel` with `fromPretrained(dir)` and
 * `savePretrained(dir)` for diffusers model folders on disk.
 */
export { savePretrained, UNet2DModel } from './unet-2d-model-node.js';
