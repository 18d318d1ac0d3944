// Renders docs/benchmarks.md from the report bench/run-all.mjs collects (docs/benchmarks.json).
// Re-render without re-measuring: node packages/integration/bench/render-report.mjs

const fixed = (value, digits = 1) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
const percent = (value) =>
  typeof value === 'number' && Number.isFinite(value) ? `${(100 * value).toFixed(0)} %` : '—';
const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**missed**');

function modelOf(report, variant, name) {
  return report.variants[variant]?.models?.find((model) => model.name === name);
}

function measuredCells(part) {
  if (!part) return ['—', '—', '—', '—'];
  if (part.error) return [`fails: ${part.error.slice(0, 70)}`, '', '', ''];
  return [
    `${fixed(part.imagesPerSecond, 2)} (batch ${part.batch})`,
    `${fixed(part.timing?.wallMs, 0)} / ${fixed(part.timing?.cpuMs, 0)}`,
    `${fixed(part.gflopsWall)} / ${fixed(part.gflopsCpu)}`,
    part.tensorGrowthPerStep === undefined ? '' : String(part.tensorGrowthPerStep),
  ];
}

function modelTable(report, name) {
  const rows = [
    '| backend | pass | images/s | ms per batch (wall / CPU) | GFLOP/s (wall / per CPU-second) | tensor growth per step |',
    '|---|---|---|---|---|---|',
  ];
  for (const [key, variant] of Object.entries(report.variants)) {
    const model = modelOf(report, key, name);
    if (!model) {
      rows.push(`| ${variant.label} | — | ${variant.error ?? 'not run'} | | | |`);
      continue;
    }
    rows.push(`| ${variant.label} | forward | ${measuredCells(model.forward).slice(0, 3).join(' | ')} | |`);
    if (model.train) rows.push(`| ${variant.label} | training step | ${measuredCells(model.train).join(' | ')} |`);
  }
  return rows.join('\n');
}

/** The issue's targets, as ratios measured in this run. */
function targets(report) {
  const small = 'fashion-mnist-unet';
  const ours = modelOf(report, 'wasm', small);
  const oursOne = ours; // the default wasm variant runs one thread
  const cpu = modelOf(report, 'cpu', small);
  const peak = report.nativeGemm?.oneThread;
  const rows = ['| target | measured | verdict |', '|---|---|---|'];
  const trainShare = ours?.train?.gflopsCpu / ours?.forward?.gflopsCpu;
  const trainShareWall = ours?.train?.gflopsWall / ours?.forward?.gflopsWall;
  rows.push(
    `| training step on wasm (ours) ≥ 60 % of the GFLOP/s of its forward pass | ${percent(trainShare)} per CPU-second (${percent(trainShareWall)} wall) | ${verdict(Number.isFinite(trainShare) ? trainShare >= 0.6 : undefined)} |`,
  );
  const speedup = ours?.train?.imagesPerSecond / cpu?.train?.imagesPerSecond;
  rows.push(
    `| training step on wasm (ours) ≥ 50× stock cpu | ${fixed(speedup, 0)}× (images/s, wall) | ${verdict(Number.isFinite(speedup) ? speedup >= 50 : undefined)} |`,
  );
  const ofPeak = oursOne?.forward?.gflopsCpu / peak?.gflopsCpuMedian;
  rows.push(
    `| U-Net forward on wasm (1 thread) ≥ 15 % of native one-thread GEMM peak | ${fixed(oursOne?.forward?.gflopsCpu)} of ${fixed(peak?.gflopsCpuMedian)} GFLOP/s per CPU-second = ${percent(ofPeak)} | ${verdict(Number.isFinite(ofPeak) ? ofPeak >= 0.15 : undefined)} |`,
  );
  const cifar = modelOf(report, 'wasm', 'ddpm-cifar10-32');
  const cifarOfPeak = cifar?.forward?.gflopsCpu / peak?.gflopsCpuMedian;
  rows.push(
    `| (same, for the DDPM CIFAR-10 U-Net) | ${fixed(cifar?.forward?.gflopsCpu)} of ${fixed(peak?.gflopsCpuMedian)} GFLOP/s per CPU-second = ${percent(cifarOfPeak)} | ${verdict(Number.isFinite(cifarOfPeak) ? cifarOfPeak >= 0.15 : undefined)} |`,
  );
  const overhead = ours?.sampling?.overheadFraction;
  rows.push(
    `| sampler + schedule overhead < 1 % of a sampling step | ${fixed(ours?.sampling?.trivialDenoiserMsPerStep, 2)} ms of ${fixed(ours?.sampling?.unetMsPerStep, 0)} ms = ${fixed(100 * overhead, 2)} % | ${verdict(overhead === undefined ? undefined : overhead < 0.01)} |`,
  );
  const parity = report.trainingParity;
  const parityError = parity?.maxRelativeError;
  rows.push(
    `| the training step on wasm equals cpu's to float32 tolerance | loss and ${parity?.tensorsCompared ? parity.tensorsCompared - 1 : '?'} parameter gradients of the U-Net above (batch ${parity?.batch ?? '?'}): max relative error ${parityError === undefined ? '—' : parityError.toExponential(1)} (${parity?.worstTensor ?? '—'}) | ${verdict(parityError === undefined ? undefined : parityError < 1e-4)} |`,
  );
  const growth = [
    ours?.train?.tensorGrowthPerStep,
    ours?.sampling?.tensorGrowthPerStep?.unet,
    ours?.sampling?.tensorGrowthPerStep?.trivial,
  ];
  rows.push(
    `| zero tensor growth per step (training; sampling with U-Net / trivial denoiser) | ${growth.map((g) => (g === undefined ? '—' : String(g))).join(' / ')} | ${verdict(growth.every((g) => g === undefined) ? undefined : growth.every((g) => g === 0 || g === undefined))} |`,
  );
  return rows.join('\n');
}

/** What this run says about threads: the wasm rows and numpy's GEMM, one thread against all. */
function threadsVerdict(report) {
  const one = modelOf(report, 'wasm', 'fashion-mnist-unet');
  const many = modelOf(report, 'wasm-threads', 'fashion-mnist-unet');
  const gemmOne = report.nativeGemm?.oneThread?.gflopsWallMedian;
  const gemmAll = report.nativeGemm?.allThreads?.gflopsWallMedian;
  const wasmRatio = many?.train?.imagesPerSecond / one?.train?.imagesPerSecond;
  const gemmRatio = gemmAll / gemmOne;
  const parts = [];
  if (Number.isFinite(wasmRatio)) {
    parts.push(`the threaded training step runs at ${fixed(wasmRatio, 2)}× the one-thread images/s in this run (wall)`);
  }
  if (Number.isFinite(gemmRatio))
    parts.push(`numpy's all-thread GEMM at ${fixed(gemmRatio, 2)}× its one-thread GEMM (wall)`);
  const sentences = `${parts.join(', and ')}.`;
  if (wasmRatio < 1) {
    return `${sentences} In this run the second vCPU did not give a second core's worth of floating-point throughput, and the thread pool adds a wait at every one of the thousands of kernel calls of a step. On a machine with real cores to spare, measure with \`DIFFUSE_BENCH_VARIANTS=wasm,wasm-threads\` before turning it on.`;
  }
  return `${sentences} The second vCPU pays when it is idle, as in this run: wide layers (the DDPM CIFAR-10 rows) scale almost 2×, the small U-Net's many small kernels much less. When the machine is busy it does not: an earlier run (2026-11-30 19:18 UTC, load average 2.4 on these 2 vCPUs) measured two wasm threads 2–3× slower than one (and numpy's two-thread GEMM 3× slower than its one-thread GEMM), because every kernel call then waits for a pool thread that waits for a core. One thread never loses badly, so it stays the default; \`DIFFUSE_WASM_THREADS\` turns threads on where cores are free.`;
}

/** Whether the one-thread GEMM's rate per CPU-second stays under one core's physical peak. */
function gemmCheck(one, fma) {
  if (one.error || !fma || fma.error) return '';
  const share = one.gflopsCpuMedian / fma.gflopsCpu;
  const accounting =
    share <= 1.02
      ? 'below that peak, so no CPU time goes uncounted'
      : '**above** that peak: CPU time is under-counted (threads outside the process, or an unset thread limit), so treat the GEMM row as wrong';
  return (
    `Sanity check: the one-thread GEMM runs ${one.osThreads ?? '?'} OS thread(s) (OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=1 ` +
    `in its subprocess; \`process_time()\` counts the CPU time of every thread of the process) at ${percent(share)} of one core's ` +
    `measured FMA peak, ${accounting}. The one-thread GEMM's wall rate is lower than its per-CPU-second rate when the ` +
    'process waits for a core that other work holds.'
  );
}

export function renderMarkdown(report) {
  const one = report.nativeGemm?.oneThread ?? {};
  const all = report.nativeGemm?.allThreads ?? {};
  const fma = report.nativeGemm?.coreFmaPeak;
  const gemm = (entry) =>
    entry.error
      ? entry.error
      : `${fixed(entry.gflopsWallMedian)} wall median, ${fixed(entry.gflopsWallBest)} best, ${fixed(entry.gflopsCpuMedian)} per CPU-second`;
  const ours = modelOf(report, 'wasm', 'fashion-mnist-unet');
  return `# Benchmarks

Measured by \`pnpm bench\` (\`node packages/integration/bench/run-all.mjs\`), ${report.date.slice(0, 16).replace('T', ' ')} UTC,
${report.minutes ? `${report.minutes.toFixed(0)} min` : ''} on ${report.machine.cpu}, ${report.machine.logicalCores} logical cores, Node ${report.machine.node}.
Raw numbers: [benchmarks.json](benchmarks.json). Re-render this page from them: \`node packages/integration/bench/render-report.mjs\`.

**Read the numbers as ratios within this run.** The machine is shared (load average ${report.loadAverageAtStart.map((l) => l.toFixed(1)).join(', ')}
at the start on ${report.machine.logicalCores} cores), so wall-clock times are inflated by waiting for a core. Each row gives the
median wall time *and* the median CPU time of the process (user + system, all threads): GFLOP/s "per CPU-second" is
the work rate while running, the steadier measure here. A one-thread row can show more CPU than wall time: Node's own
helper threads (garbage collection, compiling wasm to optimised code) run on the other core and are counted, which
lowers that row's rate per CPU-second. FLOPs are analytic: 2·multiply-adds of the convolutions and
matrix products each backend executes (counted from \`tf.profile\` at batch 1: forward, dx, dW), elementwise work not
counted.

**GPU: this session had no GPU machine**, so there is no WebGPU row. \`packages/integration/bench/gpu.sh\` runs the
same benchmark with a \`webgpu\` row on a machine that has one. (WebGPU on SwiftShader, the software Vulkan driver
available here, runs a conv layer in seconds; it is a correctness path, not a speed path.)

## Native reference: float32 GEMM (numpy ${one.numpy ?? ''}, ${one.blas ?? ''}, 1024³)

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (set on this machine; they pin a slower kernel) are unset for this
subprocess only.

| threads | GFLOP/s |
|---|---|
| 1 | ${gemm(one)} |
| ${all.threads ?? 'all'} | ${gemm(all)} |
| one core's FMA peak (bench/fma-peak.c) | ${!fma ? 'not measured' : (fma.error ?? `${fixed(fma.gflopsCpu)} per CPU-second: ${fixed(fma.flopsPerCycle, 0)} FLOP/cycle (${fma.isa}) × ${fixed(fma.clockGHz, 2)} GHz`)} |

${gemmCheck(one, fma)}

## Targets (issue #5)

${targets(report)}

## Reference small U-Net (the committed Fashion-MNIST model's config)

The configuration of the pretrained model that \`diffuse train\` (the training demo) produced and the repository ships,
read from its \`config.json\` (random weights here: speed does not depend on them).
${ours?.description ?? ''}; ${ours?.parameters?.toLocaleString('en-US') ?? '?'} parameters,
${fixed((ours?.forward?.flopsPerImage ?? 0) / 1e6, 0)} MFLOP per image forward, ${fixed((ours?.train?.flopsPerImage ?? 0) / 1e6, 0)} MFLOP per image per training step
(forward, loss, all gradients, Adam update). The cpu rows use batch 1–2 and one run (a cpu training step takes minutes).

${modelTable(report, 'fashion-mnist-unet')}

Where the training step's CPU time goes on wasm (ours), by kernel (top-level kernel calls):

${(ours?.train?.kernelCpuMs ?? []).map((line) => `- ${line}`).join('\n')}

Sampling (${ours?.sampling?.sampler ?? 'DDIM'}, batch ${ours?.sampling?.batch ?? '?'}): ${fixed(ours?.sampling?.trivialDenoiserMsPerStep, 2)} ms per step with a trivial denoiser
(sampler, schedule and loop), ${fixed(ours?.sampling?.unetMsPerStep, 0)} ms per step with the U-Net.

## DDPM CIFAR-10 (google/ddpm-cifar10-32 config), forward

${modelTable(report, 'ddpm-cifar10-32')}

## What @diffuse adds to the wasm backend

\`initBackend()\` registers these in place of (or in addition to) tfjs-backend-wasm 4.22's kernels
(packages/backends/src/wasm; each property-tested against tfjs-backend-cpu on random shapes, and a miniature
U-Net training step — convolutions, GroupNorm, SiLU, attention, skips — must give cpu's loss and gradients to 1e-4):

| kernel | stock tfjs-backend-wasm | @diffuse |
|---|---|---|
| Conv2DBackpropFilter | missing: wasm cannot train a conv net | a stride-1 XNNPACK convolution dilated by the stride, with the batch as channels and dy as the filter (padding goes to the convolution, nothing is padded in memory); 1×1 stride 1 as one matrix product |
| Conv2DBackpropInput | a scalar C++ loop (≈10× slower than the forward convolution) | one XNNPACK forward convolution per stride phase with the flipped, in/out-swapped taps of that phase (1 for stride 1, 4 for stride 2), interleaved |
| BatchMatMul | XNNPACK only for one untransposed product; transposed or batched operands fall to a scalar loop (10–35× slower) | explicit transposes, then a batch folded into rows (shared right operand) or columns (shared left operand), else one XNNPACK product per batch item |
| SplitV (gradient of \`concat\`: skip connections, upsampling) | copies the whole input out of the heap once per piece, then slices in JavaScript | one pass of row copies per piece |
| Identity (hundreds per backward pass) | copies | shares the data (reference count), as tfjs-backend-cpu does |

Kernel micro-benchmarks from the same run (\`pnpm --filter @diffuse/backends bench\`; one thread; GFLOP/s per CPU-second):

\`\`\`
${(report.kernels ?? []).join('\n')}
\`\`\`

## Threads

tfjs-backend-wasm ships a threaded SIMD build, but its start-up cannot work in Node: it hands emscripten the pthread
worker as a \`blob:\` URL (Node's \`worker_threads\` takes file paths only) and the main script as a \`Blob\`; and its
C++ caps the XNNPACK pool at half the logical cores (2 vCPUs → 1 thread). \`packages/backends/src/wasm/node-threads.ts\`
starts the shipped threaded build itself: the worker script written to a temporary \`.cjs\` file, the package's glue file
as the main script, and \`os.cpus()\` reporting 2 × the wanted threads while the module initialises. It works
(\`DIFFUSE_WASM_THREADS=2\`; tested; emscripten leaves busy pool workers referenced, which kept Node from exiting,
so the pool's workers are unref-ed), but it stays **opt-in, default 1 thread**: ${threadsVerdict(report)}

## What limits the numbers

- **Filter gradients** cost about twice a forward convolution (kernel lines above): the dy-shaped filter is new at
  every step, so XNNPACK packs it anew (a scalar pass over N·Ho·Wo·Co values), and its GEMM runs over many taps of
  few (batch) channels. Folding the columns into the channels (taps of Wo·N channels) and splitting dy's rows into
  cache-sized chunks measured no faster, so the kernel stays the single dilated convolution.
- **Attention** with diffusers' default 8-channel heads is bound by memory, not arithmetic: Q·Kᵀ does 16 FLOPs per
  score written, softmax and its gradient walk the [B·heads, T, T] scores several times. It dominates the matrix-product
  time of the small U-Net's step.
- **Elementwise work** (GroupNorm's moments, SiLU, softmax, the Adam update, bias gradients) is not counted in GFLOP/s
  but takes CPU time: see the kernel breakdown above. It is composed of stock tfjs-backend-wasm kernels; a fused
  GroupNorm needs either a model-level kernel (\`UNet2DModel\`'s \`kernels.groupNorm\` option) or wasm code tfjs does
  not ship.
- **Against native GEMM**: tfjs-backend-wasm's SIMD is 128-bit without fused multiply-add (4 fp32 lanes, a multiply
  and an add), OpenBLAS here uses AVX-512 FMA (16 lanes, fused): up to 8× more FLOPs per instruction. XNNPACK reaches
  ~40 GFLOP/s per CPU-second on a large convolution; a 28×28 U-Net with 16–64 channels reaches less (small products,
  elementwise work between them, attention with 8-channel heads). The wide DDPM CIFAR-10 model gets closer to the GEMM rate.
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { dirname, join, resolve } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const docs = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'docs');
  const report = JSON.parse(readFileSync(join(docs, 'benchmarks.json'), 'utf8'));
  writeFileSync(join(docs, 'benchmarks.md'), renderMarkdown(report));
}
