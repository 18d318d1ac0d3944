// @diffuse/forward: The forward (noising) process: q(x_t | x_0), q(x_t | x_{t-1}), posteriors and prediction-type conversions.
export {};
