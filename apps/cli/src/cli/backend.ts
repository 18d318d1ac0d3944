/**
 * Backend selection for commands: `initBackend()` (honouring `DIFFUSE_BACKEND`), reported on stderr.
 */
import { type BackendChoice, initBackend } from '@diffuse/backends';
import type { CliContext } from './run-cli.js';

/**
 * Activates the best available tfjs backend and prints one line saying which and why.
 * WebGPU through a software adapter is skipped unless asked for (see `initBackend`).
 */
export async function activateBackend(context: CliContext): Promise<BackendChoice> {
  const choice = await initBackend({ env: context.env });
  context.stderr.write(`backend: ${choice.backend} (${choice.details})\n`);
  return choice;
}
