import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { MODEL_DIR_ENV_VAR, MODEL_MANIFEST_FILE, type ModelManifest, selectModel } from './src/model-selection.js';

const appRoot = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(appRoot, '../..');

/** The tfjs-backend-wasm binaries, found through @diffuse/backends (which owns that dependency). */
function wasmBinaries(): Map<string, string> {
  const backendsRequire = createRequire(join(repoRoot, 'packages/backends/package.json'));
  const wasmDist = dirname(backendsRequire.resolve('@tensorflow/tfjs-backend-wasm'));
  const files = new Map<string, string>();
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    files.set(name, join(wasmDist, name));
  }
  return files;
}

/**
 * Static assets the page fetches at run time, from outside `apps/web`: the model folder (the committed
 * pretrained model when present, else a small fixture) and tfjs' wasm binaries. Served by the dev
 * server and emitted into `dist/` by the build, so `dist/` is a self-contained static site.
 */
function diffuseAssets(): Plugin {
  const customDirectory = process.env[MODEL_DIR_ENV_VAR];
  const selection = selectModel(repoRoot, customDirectory ? { customDirectory } : {});
  const manifest: ModelManifest = selection.manifest;
  const assets = new Map<string, string>(wasmBinaries());
  for (const file of manifest.files) assets.set(`${manifest.path}${file}`, join(selection.directory, file));
  const manifestJson = `${JSON.stringify(manifest, null, 2)}\n`;
  return {
    name: 'diffuse-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = decodeURIComponent((request.url ?? '').split('?')[0] ?? '').replace(/^\//, '');
        if (path === MODEL_MANIFEST_FILE) {
          response.setHeader('content-type', 'application/json');
          response.end(manifestJson);
          return;
        }
        const file = assets.get(path);
        if (!file) return next();
        response.setHeader('content-type', file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
        response.end(readFileSync(file));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: MODEL_MANIFEST_FILE, source: manifestJson });
      for (const [fileName, file] of assets) {
        if (!existsSync(file)) this.error(`diffuse-assets: missing ${file}`);
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
    },
  };
}

// The app builds from the packages' TypeScript source (the private `@diffuse/source` export condition),
// like the tests do: one code path, and no stale `dist/` of a sibling package can leak into the page.
export default defineConfig({
  root: appRoot,
  base: './',
  resolve: { conditions: ['@diffuse/source', ...defaultClientConditions] },
  plugins: [diffuseAssets()],
  // Pre-bundle tfjs-core together with the deep modules @diffuse/core imports (gradient and chained-op
  // registrations), so the dev server has one copy of tfjs' engine and flag registry, as the build does.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops',
    ],
  },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1' },
});
