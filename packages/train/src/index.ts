// @diffuse/train: A readable, reproducible diffusion training loop with EMA, checkpoints and metrics.
export {};
