"""Reference peak of this CPU: float32 GEMM GFLOP/s from numpy (OpenBLAS), one thread and all threads.

Prints one JSON object. Run by bench/run-all.mjs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from
its environment (they may be set on this machine and pin a slower kernel) and OPENBLAS_NUM_THREADS set.
Reports wall-clock and process-CPU-time rates (CPU time is steadier on a shared machine).
"""
import json
import os
import sys
import time

import numpy as np

size = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
rng = np.random.default_rng(0)
a = rng.standard_normal((size, size), dtype=np.float32)
b = rng.standard_normal((size, size), dtype=np.float32)
flops = 2 * size**3
for _ in range(2):
    a @ b
walls, cpus = [], []
for _ in range(7):
    wall, cpu = time.perf_counter(), time.process_time()
    a @ b
    walls.append(time.perf_counter() - wall)
    cpus.append(time.process_time() - cpu)
# Threads the process holds after the products (OpenBLAS starts its pool on first use); process_time()
# counts the CPU time of all of them, so "per CPU-second" is per core-second whatever this is.
try:
    os_threads = len(os.listdir("/proc/self/task"))
except OSError:
    os_threads = None
walls.sort()
cpus.sort()
print(json.dumps({
    "numpy": np.__version__,
    "blas": np.show_config(mode="dicts")["Build Dependencies"]["blas"].get("name", "unknown"),
    "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    "osThreads": os_threads,
    "size": size,
    "gflopsWallMedian": flops / walls[3] / 1e9,
    "gflopsWallBest": flops / walls[0] / 1e9,
    "gflopsCpuMedian": flops / cpus[3] / 1e9,
}))
