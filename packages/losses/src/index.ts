// @diffuse/losses: Diffusion training losses: prediction-type-aware MSE, Min-SNR-γ weighting, Huber, masks.
export {};
