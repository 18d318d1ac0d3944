// Runs a TypeScript benchmark script on source, as vitest does: `@diffuse/*` packages through their
// private `@diffuse/source` export condition (src/index.ts), tfjs-core's deep ESM modules inlined
// (see vitest.config.ts). Usage: node packages/backends/bench/run.mjs <script.ts> [arguments...]
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { createServer, createServerModuleRunner } from 'vite';

// tfjs-core's deep ESM modules (gradient registrations, imported by @diffuse/core) use extension-less
// imports that Node cannot load: alias them to their files so that Vite inlines them (an alias is never
// externalised), as vitest's `server.deps.inline` does.
const tfjsCore = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json'));

const script = process.argv[2];
if (!script) throw new Error('usage: node run.mjs <script.ts> [arguments...]');
// The script sees its own arguments from process.argv[2] on, as if run directly.
process.argv.splice(2, 1);
const conditions = ['@diffuse/source', 'node', 'import', 'module', 'default'];
const server = await createServer({
  configFile: false,
  appType: 'custom',
  logLevel: 'warn',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
  resolve: {
    conditions,
    alias: [{ find: /^@tensorflow\/tfjs-core\/dist\/(.*)$/, replacement: `${tfjsCore}/dist/$1` }],
  },
  ssr: { resolve: { conditions, externalConditions: ['@diffuse/source'] } },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
try {
  await runner.import(resolve(script));
} finally {
  await runner.close();
  await server.close();
}
