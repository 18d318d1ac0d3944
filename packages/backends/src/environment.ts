/** Where we run: Node or a browser (or a worker). */
export type Platform = 'node' | 'browser';

interface ProcessLike {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
}

function processLike(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/** Detects the platform. */
export function detectPlatform(): Platform {
  return processLike()?.versions?.node ? 'node' : 'browser';
}

/** Reads an environment variable in Node; undefined in a browser. */
export function readEnv(name: string, env?: Record<string, string | undefined>): string | undefined {
  return (env ?? processLike()?.env)?.[name];
}
