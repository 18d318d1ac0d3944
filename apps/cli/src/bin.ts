/**
 * `diffuse`: the command-line front of @diffuse. Without arguments it runs the main job on built-in
 * defaults.
 */
import { initBackend } from '@diffuse/backends';
import { NoiseGenerator } from '@diffuse/core';

async function main(): Promise<void> {
  const choice = await initBackend();
  console.log(`backend: ${choice.backend} — ${choice.reason}`);
  console.log(`         ${choice.details}`);
  const generator = new NoiseGenerator(0);
  const noise = generator.normal({ shape: [4, 28, 28, 1], step: 0 });
  const moments = noise.square().mean();
  console.log(`noise: ${noise.shape.join('×')}, E[x²] = ${(await moments.data())[0]?.toFixed(4)}`);
  noise.dispose();
  moments.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
