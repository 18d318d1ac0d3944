// Runs a TypeScript benchmark script on source (the `@diffuse/source` condition), as vitest does.
import { runnerImport } from 'vite';

const conditions = ['@diffuse/source', 'node', 'import', 'module', 'default'];
const script = process.argv[2];
await runnerImport(script, {
  configFile: false,
  resolve: { conditions },
  ssr: {
    resolve: { conditions, externalConditions: ['@diffuse/source'] },
    noExternal: [/@tensorflow\/tfjs-core\/dist\//],
  },
  logLevel: 'warn',
});
