// @diffuse/samplers: Diffusion samplers (DDPM, DDIM, …) that match diffusers' schedulers number for number.
export {};
