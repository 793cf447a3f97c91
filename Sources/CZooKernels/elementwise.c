#include "zoo_kernels.h"
#include "zoo_math.h"

// One copy of each loop per instruction set; the loader picks the best for this CPU.
#define ZOO_VECTORIZED __attribute__((target_clones("avx512f", "avx2", "default")))
#define FOR_EACH for (long i = 0; i < n; i++)

ZOO_VECTORIZED void zoo_exp(const float *x, float *y, long n) { FOR_EACH y[i] = zoo_expf(x[i]); }
ZOO_VECTORIZED void zoo_log(const float *x, float *y, long n) { FOR_EACH y[i] = zoo_logf(x[i]); }
ZOO_VECTORIZED void zoo_sigmoid(const float *x, float *y, long n) { FOR_EACH y[i] = zoo_sigmoidf(x[i]); }
ZOO_VECTORIZED void zoo_tanh(const float *x, float *y, long n) { FOR_EACH y[i] = zoo_tanhf(x[i]); }
ZOO_VECTORIZED void zoo_softplus(const float *x, float *y, long n) { FOR_EACH y[i] = zoo_softplusf(x[i]); }
ZOO_VECTORIZED void zoo_relu(const float *x, float *y, long n) { FOR_EACH y[i] = x[i] > 0.0f ? x[i] : 0.0f; }
ZOO_VECTORIZED void zoo_leaky_relu(const float *x, float *y, long n, float slope) {
    FOR_EACH y[i] = x[i] > 0.0f ? x[i] : x[i] * slope;
}

ZOO_VECTORIZED void zoo_relu_backward(const float *y, const float *dy, float *dx, long n) {
    FOR_EACH dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}
ZOO_VECTORIZED void zoo_leaky_relu_backward(const float *x, const float *dy, float *dx, long n, float slope) {
    FOR_EACH dx[i] = x[i] > 0.0f ? dy[i] : dy[i] * slope;
}
ZOO_VECTORIZED void zoo_sigmoid_backward(const float *y, const float *dy, float *dx, long n) {
    FOR_EACH dx[i] = dy[i] * y[i] * (1.0f - y[i]);
}
ZOO_VECTORIZED void zoo_tanh_backward(const float *y, const float *dy, float *dx, long n) {
    FOR_EACH dx[i] = dy[i] * (1.0f - y[i] * y[i]);
}
ZOO_VECTORIZED void zoo_softplus_backward(const float *x, const float *dy, float *dx, long n) {
    FOR_EACH dx[i] = dy[i] * zoo_sigmoidf(x[i]);
}

ZOO_VECTORIZED void zoo_add(const float *a, const float *b, float *c, long n) { FOR_EACH c[i] = a[i] + b[i]; }
ZOO_VECTORIZED void zoo_sub(const float *a, const float *b, float *c, long n) { FOR_EACH c[i] = a[i] - b[i]; }
ZOO_VECTORIZED void zoo_mul(const float *a, const float *b, float *c, long n) { FOR_EACH c[i] = a[i] * b[i]; }
ZOO_VECTORIZED void zoo_div(const float *a, const float *b, float *c, long n) { FOR_EACH c[i] = a[i] / b[i]; }
ZOO_VECTORIZED void zoo_affine(const float *a, float s, float t, float *c, long n) { FOR_EACH c[i] = a[i] * s + t; }
ZOO_VECTORIZED void zoo_add_scaled(const float *a, const float *b, float s, float *c, long n) {
    FOR_EACH c[i] = a[i] + b[i] * s;
}

ZOO_VECTORIZED void zoo_broadcast_rows(const float *v, long rows, long cols, float *c) {
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < cols; j++) c[r * cols + j] = v[j];
}

ZOO_VECTORIZED void zoo_adam(float *p, const float *g, float *m, float *v, long n, float lr, float beta1,
                             float beta2, float eps, float bias_correction1, float bias_correction2) {
    float step_size = lr / bias_correction1;
    float bias_correction2_sqrt = __builtin_elementwise_sqrt(bias_correction2);
    FOR_EACH {
        m[i] = m[i] + (1.0f - beta1) * (g[i] - m[i]);
        v[i] = v[i] * beta2 + (1.0f - beta2) * g[i] * g[i];
        float denom = __builtin_elementwise_sqrt(v[i]) / bias_correction2_sqrt + eps;  // no errno: vectorizes
        p[i] = p[i] - step_size * (m[i] / denom);
    }
}

ZOO_VECTORIZED void zoo_sgd(float *p, const float *g, float *buf, long n, float lr, float momentum) {
    FOR_EACH {
        buf[i] = momentum * buf[i] + g[i];
        p[i] = p[i] - lr * buf[i];
    }
}
