import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run on TypeScript source: the private `@diffuse/source` export condition maps every
// `@diffuse/*` import to its `src/index.ts`, so no build is needed first.
const conditions = ['@diffuse/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@diffuse/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', 'apps/web/test/browser/**'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    server: {
      deps: {
        // tfjs-core's ESM dist files (gradient and chained-op registrations) use extension-less
        // imports: let Vite resolve them instead of Node.
        inline: [/@tensorflow\/tfjs-core\/dist\//],
      },
    },
  },
});
