// oneDNN matmul primitives, one per GEMM shape, built on first use and cached (internal to
// CZooKernels; zoo_sgemm is the public entry point).
#pragma once
#include <dnnl.h>
#include <stdbool.h>
#include "zoo_primitives.h"

// Whether a product of this shape goes through a cached primitive rather than dnnl_sgemm.
bool zoo_matmul_applies(long m, long n, long k);

// Row-major C = op(A)·op(B) + beta·C, plus `bias` (n values) on every row unless it is NULL
// (with a bias, beta must be 0), on `threads` threads (the count the primitive is built for;
// the caller has already set the runtime to it), in `precision` (a zoo_precision). A and B may
// come with their buffers' versions (or NULL): in bf16, a versioned operand's converted copy is
// kept and reused while the version stands. Returns dnnl_unimplemented, touching nothing, when
// oneDNN has no primitive for the shape: in fp32 the caller then uses dnnl_sgemm.
dnnl_status_t zoo_matmul(char transa, char transb, long m, long n, long k, const float *a, long lda,
                         const struct zoo_buffer_version *a_version, const float *b, long ldb,
                         const struct zoo_buffer_version *b_version, const float *bias, float beta, float *c, long ldc,
                         int threads, int precision);
