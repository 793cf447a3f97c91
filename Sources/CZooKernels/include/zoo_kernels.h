// Vectorized elementwise and reduction kernels for the zoo tensor core, plus control of
// oneDNN's thread count. Every kernel is a flat loop over contiguous float32 buffers so the
// compiler vectorizes it (AVX-512 on this machine through target clones); transcendental
// functions are polynomial approximations (Cephes) that vectorize, unlike libm calls.
#pragma once
#include <stddef.h>

// Threads used by oneDNN's GEMM (an OpenMP runtime) and by zoo's own parallel loops.
void zoo_set_num_threads(int n);
int zoo_num_threads(void);

// Runs body(context, begin, end) over slices of [0, n) on the thread team; serially when n is
// below two grains of work. Slices are fixed by n and the thread count (deterministic).
typedef void (*zoo_range_fn)(void *context, long begin, long end);
void zoo_parallel_for(long n, long grain, zoo_range_fn body, void *context);

// Row-major C = alpha·op(A)·op(B) + beta·C through oneDNN (a cached matmul primitive per shape,
// dnnl_sgemm for tiny products), on one thread for small products.
// Returns dnnl_status_t.
int zoo_sgemm(char transa, char transb, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc);
// C = op(A)·op(B) + bias on every row (bias has n values): a Linear layer's forward pass, with
// the bias added inside the product's kernel where oneDNN can.
int zoo_sgemm_bias(char transa, char transb, long m, long n, long k, const float *a, long lda,
                   const float *b, long ldb, const float *bias, float *c, long ldc);
// C = op(A)·op(B) + bias (bias may be NULL) + beta·C (with a bias, beta must be 0) in mixed
// precision: A and B rounded to bfloat16 on their way in, C accumulated in float32 (see
// zoo_precision in zoo_primitives.h). A versioned operand (a weight; its version may be NULL)
// is converted once per version, not once per call.
struct zoo_buffer_version;
int zoo_gemm_bf16(char transa, char transb, long m, long n, long k, const float *a, long lda,
                  const struct zoo_buffer_version *a_version, const float *b, long ldb,
                  const struct zoo_buffer_version *b_version, const float *bias, float beta, float *c, long ldc);

// y = f(x), elementwise. x and y may alias.
void zoo_exp(const float *x, float *y, long n);
void zoo_log(const float *x, float *y, long n);
void zoo_sigmoid(const float *x, float *y, long n);
void zoo_tanh(const float *x, float *y, long n);
void zoo_softplus(const float *x, float *y, long n);
void zoo_relu(const float *x, float *y, long n);
void zoo_leaky_relu(const float *x, float *y, long n, float slope);

// dx = dy * f'(.), written from the saved input x or output y, whichever is cheaper.
void zoo_relu_backward(const float *y, const float *dy, float *dx, long n);
void zoo_leaky_relu_backward(const float *x, const float *dy, float *dx, long n, float slope);
void zoo_sigmoid_backward(const float *y, const float *dy, float *dx, long n);
void zoo_tanh_backward(const float *y, const float *dy, float *dx, long n);
void zoo_softplus_backward(const float *x, const float *dy, float *dx, long n);

// Binary elementwise ops on equal-length buffers; c may alias a or b.
void zoo_add(const float *a, const float *b, float *c, long n);
void zoo_sub(const float *a, const float *b, float *c, long n);
void zoo_mul(const float *a, const float *b, float *c, long n);
void zoo_div(const float *a, const float *b, float *c, long n);
// c = a * s + t
void zoo_affine(const float *a, float s, float t, float *c, long n);

// Reductions, in a fixed order so results do not depend on the thread count.
double zoo_sum(const float *x, long n);
// out[j] = sum_i x[i*cols + j]: the gradient of a broadcast bias.
void zoo_sum_rows(const float *x, long rows, long cols, float *out);
// out[i] = sum_j x[i*cols + j]
void zoo_sum_cols(const float *x, long rows, long cols, float *out);
// out[i] = bytes[i] * scale + offset: pixels to floats in a model's range.
void zoo_bytes_to_floats(const unsigned char *bytes, float scale, float offset, float *out, long n);

// Each row of c (rows x cols) set to v (cols): the start of a fused GEMM + bias.
void zoo_broadcast_rows(const float *v, long rows, long cols, float *c);

// Losses, returning the sum over all elements (the caller scales for a mean).
double zoo_squared_error(const float *a, const float *b, long n);
double zoo_bce(const float *p, const float *y, long n);
void zoo_bce_backward(const float *p, const float *y, float scale, float *dp, long n);
double zoo_bce_logits(const float *x, const float *y, long n);
void zoo_bce_logits_backward(const float *x, const float *y, float scale, float *dx, long n);
// sum of -0.5 * (1 + logvar - mu^2 - exp(logvar))
double zoo_gaussian_kl(const float *mu, const float *logvar, long n);

// One Adam step with PyTorch's arithmetic (bias corrections precomputed by the caller).
void zoo_adam(float *p, const float *g, float *m, float *v, long n, float lr, float beta1, float beta2,
              float eps, float bias_correction1, float bias_correction2);
// SGD with momentum (PyTorch semantics, no dampening): buf = momentum*buf + g; p -= lr*buf.
void zoo_sgd(float *p, const float *g, float *buf, long n, float lr, float momentum);

// NCHW tensors [batch, channels, spatial]: x[n, c, :] += bias[c], and out[c] = Σ over n and
// pixels of x[n, c, :] (in a fixed order).
void zoo_add_channel_bias(float *x, const float *bias, long batch, long channels, long spatial);
void zoo_sum_channels(const float *x, long batch, long channels, long spatial, float *out);
