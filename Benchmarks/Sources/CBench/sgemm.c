#include "bench.h"
#include <dnnl.h>

int zoo_bench_sgemm(int transpose_a, int transpose_b, long m, long n, long k, const float *a, const float *b, float *c) {
    // Row-major, as zoo stores tensors: A is [m, k] (or [k, m] transposed), B is [k, n] (or [n, k]).
    return (int)dnnl_sgemm(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, 1.0f, a, transpose_a ? m : k,
                           b, transpose_b ? k : n, 0.0f, c, n);
}
