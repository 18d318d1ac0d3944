import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: {
    compilerOptions: { customConditions: [] },
    // Keep the chained-op type augmentation (x.add(y), x.toInt(), …) visible to consumers of our .d.ts.
    banner: "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';",
  },
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Bundle tfjs-core's gradient and chained-op registrations (deep dist/ modules); see tfjs-registrations.ts.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
});
