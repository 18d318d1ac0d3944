/**
 * Backend start-up for the page: `@diffuse/backends` picks the backend (WebGPU, else wasm, else cpu);
 * `?backend=webgpu|wasm|cpu` asks for one explicitly (which also accepts a software WebGPU adapter,
 * like SwiftShader in headless Chromium).
 */
import { BACKEND_NAMES, type BackendChoice, type BackendName, initBackend } from '@diffuse/backends';

/** `auto` (the default preference) or one backend. */
export type BackendRequest = 'auto' | BackendName;

/** Reads `?backend=` (default `auto`); unknown names are an error that lists the known ones. */
export function backendRequest(search: URLSearchParams): BackendRequest {
  const value = search.get('backend') ?? 'auto';
  if (value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendRequest;
  throw new Error(`?backend=${value}: expected auto or one of ${BACKEND_NAMES.join(', ')}`);
}

/**
 * Starts the requested backend. tfjs-backend-wasm fetches its `.wasm` binary relative to the page when
 * no path is set (the bundle is an ES module, so emscripten has no script URL): the build copies the
 * binaries next to `index.html`.
 */
export async function startBackend(request: BackendRequest): Promise<BackendChoice> {
  return request === 'auto' ? initBackend({ env: {} }) : initBackend({ prefer: request, env: {} });
}
