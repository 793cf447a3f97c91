#include "zoo_kernels.h"
#include "matmul.h"
#include <dnnl.h>

// Products below this many multiply-adds finish in a few microseconds on one core, less than
// it takes to wake a second thread (and far less when the machine is busy and that thread is
// not scheduled), so they run on one thread. The choice depends only on the shape, so results
// stay deterministic.
#define SERIAL_GEMM_WORK (1L << 20)

static int product(char transa, char transb, long m, long n, long k, float alpha, const float *a, long lda,
                   const float *b, long ldb, const float *bias, float beta, float *c, long ldc) {
    int threads = zoo_num_threads();
    int serial = threads > 1 && (double)m * (double)n * (double)k < (double)SERIAL_GEMM_WORK;
    if (serial) zoo_set_num_threads(1);
    dnnl_status_t status = dnnl_unimplemented;
    if (alpha == 1 && zoo_matmul_applies(m, n, k))
        status = zoo_matmul(transa, transb, m, n, k, a, lda, b, ldb, bias, beta, c, ldc, serial ? 1 : threads);
    if (status == dnnl_unimplemented) {
        if (bias) {
            zoo_broadcast_rows(bias, m, n, c);
            beta = 1;
        }
        status = dnnl_sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
    if (serial) zoo_set_num_threads(threads);
    return (int)status;
}

int zoo_sgemm(char transa, char transb, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc) {
    return product(transa, transb, m, n, k, alpha, a, lda, b, ldb, NULL, beta, c, ldc);
}

int zoo_sgemm_bias(char transa, char transb, long m, long n, long k, const float *a, long lda,
                   const float *b, long ldb, const float *bias, float *c, long ldc) {
    return product(transa, transb, m, n, k, 1, a, lda, b, ldb, bias, 0, c, ldc);
}
