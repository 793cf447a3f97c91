#include "zoo_kernels.h"
#include "matmul.h"
#include <dnnl.h>

// Products below this many multiply-adds finish in a few microseconds on one core, less than
// it takes to wake a second thread (and far less when the machine is busy and that thread is
// not scheduled), so they run on one thread. The choice depends only on the shape, so results
// stay deterministic.
#define SERIAL_GEMM_WORK (1L << 20)

static int product(char transa, char transb, long m, long n, long k, float alpha, const float *a, long lda,
                   const struct zoo_buffer_version *a_version, const float *b, long ldb,
                   const struct zoo_buffer_version *b_version, const float *bias, float beta, float *c, long ldc,
                   int precision) {
    int threads = zoo_num_threads();
    int serial = threads > 1 && (double)m * (double)n * (double)k < (double)SERIAL_GEMM_WORK;
    if (serial) zoo_set_num_threads(1);
    dnnl_status_t status = dnnl_unimplemented;
    if (precision == zoo_precision_bf16) {
        // Every bf16 product goes through a primitive, whatever its size: dnnl_sgemm would
        // quietly compute it in fp32. oneDNN's bf16 matmul takes any shape where it takes one.
        if (alpha == 1)
            status = zoo_matmul(transa, transb, m, n, k, a, lda, a_version, b, ldb, b_version, bias, beta, c, ldc,
                                serial ? 1 : threads, precision);
    } else {
        if (alpha == 1 && zoo_matmul_applies(m, n, k))
            status = zoo_matmul(transa, transb, m, n, k, a, lda, NULL, b, ldb, NULL, bias, beta, c, ldc,
                                serial ? 1 : threads, precision);
        if (status == dnnl_unimplemented) {
            if (bias) {
                zoo_broadcast_rows(bias, m, n, c);
                beta = 1;
            }
            status = dnnl_sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }
    if (serial) zoo_set_num_threads(threads);
    return (int)status;
}

int zoo_sgemm(char transa, char transb, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc) {
    return product(transa, transb, m, n, k, alpha, a, lda, NULL, b, ldb, NULL, NULL, beta, c, ldc, zoo_precision_fp32);
}

int zoo_sgemm_bias(char transa, char transb, long m, long n, long k, const float *a, long lda,
                   const float *b, long ldb, const float *bias, float *c, long ldc) {
    return product(transa, transb, m, n, k, 1, a, lda, NULL, b, ldb, NULL, bias, 0, c, ldc, zoo_precision_fp32);
}

int zoo_gemm_bf16(char transa, char transb, long m, long n, long k, const float *a, long lda,
                  const struct zoo_buffer_version *a_version, const float *b, long ldb,
                  const struct zoo_buffer_version *b_version, const float *bias, float beta, float *c, long ldc) {
    return product(transa, transb, m, n, k, 1, a, lda, a_version, b, ldb, b_version, bias, beta, c, ldc, zoo_precision_bf16);
}
