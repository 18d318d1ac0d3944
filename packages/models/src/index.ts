/**
 * @diffuse/models — denoisers: the diffusers-compatible UNet2DModel and its building blocks, and a small
 * MLP for 2-D data.
 */
export * from './mlp/index.js';
export * from './unet/index.js';
