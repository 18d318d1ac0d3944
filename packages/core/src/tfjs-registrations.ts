/**
 * Registers tfjs-core's gradients and chained tensor methods (`x.add(y)`), once, for every @diffuse
 * package. `@tensorflow/tfjs-core` alone registers neither (the `@tensorflow/tfjs` umbrella does).
 *
 * How it works everywhere: the build (tsup) bundles these two deep modules of tfjs-core's ESM `dist/`
 * into core's own output, so plain Node ESM never resolves a deep `dist/` path (which fails there:
 * tfjs-core's ESM files use extension-less imports in a package without `"type": "module"`). The
 * bundled code registers into tfjs' global registries (`gradRegistry`, the global Tensor class, the
 * global engine), which every copy of tfjs-core shares. Vitest and bundlers resolve the same source
 * import directly.
 */
// The main entry first: its engine and Tensor class must be the global ones. Where the deep modules
// below are a second copy of tfjs-core (Vitest inlines them while Node loads the main entry), a copy
// evaluated first would make the global engine build tensors whose `clone()`, `cast()`, `buffer()` and
// `print()` fail (that copy's op handler is never set).
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
