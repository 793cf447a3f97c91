#pragma once

/// The machine's single-precision FMA throughput in GFLOP/s: `threads` threads each run
/// independent fused multiply-adds from registers only (no memory traffic) for about `seconds`.
/// No matrix product can run faster than this on the same threads.
double zoo_fma_peak_gflops(int threads, double seconds);
