#!/usr/bin/env bash
# The U-Net benchmarks with a WebGPU row, for a session on a machine with a GPU (this one had none).
# Needs: Node 20, `pnpm install` done, the `webgpu` package (Dawn for Node; an optional peer of
# @diffuse/backends) and a Vulkan driver for the GPU. The webgpu run refuses a software adapter.
# Writes docs/benchmarks.{json,md} (with the rows it ran: webgpu and wasm by default).
set -euo pipefail
cd "$(dirname "$0")/../../.."
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
DIFFUSE_BENCH_VARIANTS="${DIFFUSE_BENCH_VARIANTS:-webgpu,wasm}" node packages/integration/bench/run-all.mjs
