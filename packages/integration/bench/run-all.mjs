// `pnpm bench` for @diffuse: the U-Net benchmarks on every backend variant, this CPU's native GEMM peak,
// and the report: docs/benchmarks.json (raw) and docs/benchmarks.md (tables, targets).
//
//   node packages/integration/bench/run-all.mjs            (from the repository root or this package)
//   DIFFUSE_BENCH_VARIANTS=wasm,webgpu node …/run-all.mjs  (a subset; webgpu only where a GPU exists)
//
// One child process per variant: the wasm thread count is fixed when the backend starts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from './render-report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const runner = join(root, 'packages/backends/bench/run.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'diffuse-bench-'));

const VARIANTS = {
  wasm: { label: 'wasm (ours, 1 thread: the default)', variant: 'wasm', env: { DIFFUSE_WASM_THREADS: '1' } },
  'wasm-threads': {
    label: `wasm (ours, ${Math.min(cpus().length, 8)} threads)`,
    variant: 'wasm',
    env: { DIFFUSE_WASM_THREADS: String(Math.min(cpus().length, 8)) },
  },
  'wasm-stock': {
    label: 'wasm (stock tfjs-backend-wasm, 1 thread)',
    variant: 'wasm-stock',
    env: { DIFFUSE_WASM_THREADS: '1' },
  },
  cpu: { label: 'cpu (tfjs-backend-cpu)', variant: 'cpu', env: {} },
  webgpu: { label: 'webgpu', variant: 'webgpu', env: {} },
};
const requested = (process.env.DIFFUSE_BENCH_VARIANTS ?? 'wasm,wasm-threads,wasm-stock,cpu').split(',');

function gemmPeak(threads) {
  const environment = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  // May be set on this machine and pin a slower kernel: unset for this subprocess only.
  delete environment.OPENBLAS_CORETYPE;
  delete environment.OPENBLAS_L2_SIZE;
  const run = spawnSync('python3', [join(here, 'gemm-peak.py'), '1024'], { env: environment, encoding: 'utf8' });
  if (run.error) return { error: `python3 not available: ${run.error.message}` };
  if (run.status !== 0) return { error: `numpy GEMM failed: ${run.stderr.trim().split('\n').at(-1)}` };
  return JSON.parse(run.stdout);
}

/** One core's measured FMA peak and clock (bench/fma-peak.c), the ceiling for one-thread rates. */
function fmaPeak() {
  const binary = join(scratch, 'fma-peak');
  for (const compiler of ['gcc', 'cc']) {
    const build = spawnSync(
      compiler,
      ['-O3', '-funroll-loops', '-march=native', '-o', binary, join(here, 'fma-peak.c')],
      {
        encoding: 'utf8',
      },
    );
    if (build.error || build.status !== 0) continue;
    const run = spawnSync(binary, [], { encoding: 'utf8' });
    if (run.status === 0) return JSON.parse(run.stdout);
    return { error: `fma-peak failed: ${run.stderr.trim()}` };
  }
  return { error: 'no C compiler with FMA support' };
}

const started = new Date();
const report = {
  date: started.toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', logicalCores: cpus().length, node: process.version },
  loadAverageAtStart: (await import('node:os')).loadavg(),
  nativeGemm: { oneThread: gemmPeak(1), allThreads: gemmPeak(cpus().length), coreFmaPeak: fmaPeak() },
  variants: {},
};
for (const key of requested) {
  const spec = VARIANTS[key];
  if (!spec) throw new Error(`unknown variant ${key}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const out = join(scratch, `${key}.json`);
  console.log(`— ${spec.label}`);
  const run = spawnSync(process.execPath, [runner, join(here, 'unet.ts'), spec.variant, out], {
    cwd: root,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  report.variants[key] =
    run.status === 0
      ? { label: spec.label, ...JSON.parse(readFileSync(out, 'utf8')) }
      : { label: spec.label, error: `exit status ${run.status}` };
}
// The same training step on wasm (ours) and cpu: loss and every gradient compared.
console.log('— training-step parity, wasm against cpu');
const parityOut = join(scratch, 'parity.json');
const parity = spawnSync(process.execPath, [runner, join(here, 'training-parity.ts'), parityOut], {
  cwd: root,
  env: { ...process.env, DIFFUSE_WASM_THREADS: '1' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
report.trainingParity =
  parity.status === 0 ? JSON.parse(readFileSync(parityOut, 'utf8')) : { error: `exit status ${parity.status}` };

// Kernel micro-benchmarks (packages/backends/bench/kernels.ts): stock tfjs-backend-wasm against ours.
console.log('— wasm kernels, stock and ours');
const kernels = spawnSync(process.execPath, [runner, join(root, 'packages/backends/bench/kernels.ts')], {
  cwd: root,
  env: { ...process.env, DIFFUSE_WASM_THREADS: '1' },
  encoding: 'utf8',
});
report.kernels =
  kernels.status === 0
    ? kernels.stdout.split('\n').filter((text) => /^(stock|ours) /.test(text))
    : [`failed: exit status ${kernels.status}`];
report.loadAverageAtEnd = (await import('node:os')).loadavg();
report.minutes = (Date.now() - started.getTime()) / 60000;

const docs = join(root, 'docs');
writeFileSync(join(docs, 'benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(docs, 'benchmarks.md'), renderMarkdown(report));
console.log(`wrote docs/benchmarks.json and docs/benchmarks.md (${report.minutes.toFixed(1)} min)`);
