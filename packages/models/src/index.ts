// @diffuse/models: Denoisers: diffusers-compatible UNet2DModel and its building blocks, and a small MLP for 2-D data.
export {};
