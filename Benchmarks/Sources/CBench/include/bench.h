#pragma once

/// The machine's single-precision FMA throughput in GFLOP/s: `threads` threads each run
/// independent fused multiply-adds from registers only (no memory traffic) for about `seconds`.
/// No matrix product can run faster than this on the same threads.
double zoo_fma_peak_gflops(int threads, double seconds);

/// C = op(A)·op(B) by plain `dnnl_sgemm` (row-major, no bias, on OpenMP's current thread count):
/// the speed issue's definition of the GEMM limit. Returns oneDNN's status (0: success).
int zoo_bench_sgemm(int transpose_a, int transpose_b, long m, long n, long k, const float *a, const float *b, float *c);
