/**
 * `diffuse`: train, sample, evaluate and benchmark diffusion models. Without arguments it runs the main
 * job on built-in defaults. See `diffuse --help`.
 */
import { runDiffuse } from './main.js';

runDiffuse(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error('error:', error);
    process.exitCode = 1;
  },
);
