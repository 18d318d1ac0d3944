// @diffuse/schedules: Noise schedules as plain numbers: beta schedules, alphas, cumulative products, SNR and timestep spacings.
export {};
