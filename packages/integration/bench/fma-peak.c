/* One core's float32 arithmetic peak, measured: independent fused multiply-adds on the widest vectors
 * this compiler targets (-march=native: AVX-512 or AVX2), and the clock from a chain of dependent integer
 * adds (one cycle each). Run by bench/run-all.mjs (gcc/cc, when present) as the ceiling that the
 * one-thread GEMM's "per CPU-second" rate must stay under: above it, the CPU time was under-counted.
 * Prints one JSON object. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#if defined(__AVX512F__)
#define LANES 16
#define VEC __m512
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ISA "avx512f"
#elif defined(__FMA__)
#define LANES 8
#define VEC __m256
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ISA "avx2+fma"
#else
#error "needs FMA (AVX2) or AVX-512"
#endif

int main(void) {
  const long chain = 500000000L;
  long x = 1;
  double start = cpu_seconds();
  for (long i = 0; i < chain; i++) {
    __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
  }
  double clockHz = 4.0 * chain / (cpu_seconds() - start);

  /* 12 accumulators: enough to cover FMA latency (4 cycles) × 2 pipes with room to spare. */
  VEC acc[12];
  const VEC m = SET1(0.999999f), b = SET1(1e-7f);
  for (int k = 0; k < 12; k++) acc[k] = SET1((float)k);
  const long iterations = 100000000L;
  start = cpu_seconds();
  for (long i = 0; i < iterations; i++) {
    for (int k = 0; k < 12; k++) acc[k] = FMA(acc[k], m, b);
  }
  double seconds = cpu_seconds() - start;
  float total = 0;
  for (int k = 0; k < 12; k++) total += ((float *)&acc[k])[0]; /* keeps the loop from being removed */
  double flops = 2.0 * LANES * 12 * iterations;
  printf("{\"isa\": \"%s\", \"clockGHz\": %.2f, \"gflopsCpu\": %.1f, \"flopsPerCycle\": %.1f, \"sink\": %g}\n", ISA,
         clockHz / 1e9, flops / seconds / 1e9, flops / seconds / clockHz, total);
  return 0;
}
