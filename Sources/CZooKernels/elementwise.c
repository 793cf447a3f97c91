#include "zoo_kernels.h"
#include "zoo_math.h"

// One copy of each loop per instruction set; the loader picks the best for this CPU.
#define ZOO_VECTORIZED __attribute__((target_clones("avx512f", "avx2", "default")))

// Below these many elements a loop runs on one thread: waking the team costs more than it saves.
#define GRAIN_SIMPLE (1L << 14)
#define GRAIN_MATH (1L << 13)

// The operands of one elementwise loop, handed to each thread's slice.
struct operands {
    const float *a, *b;
    float *out;
    float s, t;
};

// Defines zoo_NAME(params) running `body` (in terms of a[i], b[i], s, t, writing out[i]) over
// [0, n) in parallel slices; the trailing arguments initialise the operands.
#define ELEMENTWISE(name, grain, params, body, ...)                                    \
    static ZOO_VECTORIZED void name##_slice(void *context, long begin, long end) {      \
        const struct operands *o = context;                                           \
        const float *a = o->a, *b = o->b;                                             \
        float *out = o->out;                                                          \
        float s = o->s, t = o->t;                                                     \
        (void)a; (void)b; (void)s; (void)t;                                           \
        for (long i = begin; i < end; i++) { body; }                                  \
    }                                                                                 \
    void zoo_##name params {                                                          \
        struct operands o = {__VA_ARGS__};                                            \
        zoo_parallel_for(n, grain, name##_slice, &o);                                 \
    }

#define UNARY(name, grain, expression) \
    ELEMENTWISE(name, grain, (const float *x, float *y, long n), out[i] = (expression), .a = x, .out = y)
#define BACKWARD(name, grain, expression) \
    ELEMENTWISE(name, grain, (const float *saved, const float *dy, float *dx, long n), out[i] = (expression), .a = saved, .b = dy, .out = dx)
#define BINARY(name, expression) \
    ELEMENTWISE(name, GRAIN_SIMPLE, (const float *x, const float *y, float *z, long n), out[i] = (expression), .a = x, .b = y, .out = z)

UNARY(exp, GRAIN_MATH, zoo_expf(a[i]))
UNARY(log, GRAIN_MATH, zoo_logf(a[i]))
UNARY(sigmoid, GRAIN_MATH, zoo_sigmoidf(a[i]))
UNARY(tanh, GRAIN_MATH, zoo_tanhf(a[i]))
UNARY(softplus, GRAIN_MATH, zoo_softplusf(a[i]))
UNARY(relu, GRAIN_SIMPLE, a[i] <= 0.0f ? 0.0f : a[i])   // a NaN passes, as in PyTorch
ELEMENTWISE(leaky_relu, GRAIN_SIMPLE, (const float *x, float *y, long n, float slope), out[i] = a[i] > 0.0f ? a[i] : a[i] * s,
            .a = x, .out = y, .s = slope)

BACKWARD(relu_backward, GRAIN_SIMPLE, a[i] > 0.0f ? b[i] : 0.0f)
BACKWARD(sigmoid_backward, GRAIN_SIMPLE, b[i] * a[i] * (1.0f - a[i]))
BACKWARD(tanh_backward, GRAIN_SIMPLE, b[i] * (1.0f - a[i] * a[i]))
BACKWARD(softplus_backward, GRAIN_MATH, b[i] * zoo_sigmoidf(a[i]))
ELEMENTWISE(leaky_relu_backward, GRAIN_SIMPLE, (const float *x, const float *dy, float *dx, long n, float slope),
            out[i] = a[i] > 0.0f ? b[i] : b[i] * s, .a = x, .b = dy, .out = dx, .s = slope)
// Loss gradients: d/dp of BCE(p, y) (its denominator floored like PyTorch's) and d/dx of
// BCE(sigmoid(x), y), each times the reduction's scale.
ELEMENTWISE(bce_backward, GRAIN_MATH, (const float *p, const float *y, float scale, float *dp, long n),
            out[i] = s * (a[i] - b[i]) / fmaxf((1.0f - a[i]) * a[i], 1e-12f), .a = p, .b = y, .out = dp, .s = scale)
ELEMENTWISE(bce_logits_backward, GRAIN_MATH, (const float *x, const float *y, float scale, float *dx, long n),
            out[i] = s * (zoo_sigmoidf(a[i]) - b[i]), .a = x, .b = y, .out = dx, .s = scale)

BINARY(add, a[i] + b[i])
BINARY(sub, a[i] - b[i])
BINARY(mul, a[i] * b[i])
BINARY(div, a[i] / b[i])
ELEMENTWISE(affine, GRAIN_SIMPLE, (const float *x, float scale, float offset, float *y, long n), out[i] = a[i] * s + t,
            .a = x, .out = y, .s = scale, .t = offset)

ZOO_VECTORIZED void zoo_bytes_to_floats(const unsigned char *bytes, float scale, float offset, float *out, long n) {
    for (long i = 0; i < n; i++) out[i] = (float)bytes[i] * scale + offset;
}

ZOO_VECTORIZED void zoo_broadcast_rows(const float *v, long rows, long cols, float *c) {
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < cols; j++) c[r * cols + j] = v[j];
}

// Optimizer updates: the largest memory-bound loops of a step, so they run on every thread.
struct adam_operands {
    float *p, *m, *v;
    const float *g;
    float lr, beta1, beta2, eps, step_size, bias_correction2_sqrt;
};

static ZOO_VECTORIZED void adam_slice(void *context, long begin, long end) {
    const struct adam_operands *o = context;
    float *p = o->p, *m = o->m, *v = o->v;
    const float *g = o->g;
    float beta1 = o->beta1, beta2 = o->beta2, eps = o->eps, step_size = o->step_size, root = o->bias_correction2_sqrt;
    for (long i = begin; i < end; i++) {
        m[i] = m[i] + (1.0f - beta1) * (g[i] - m[i]);
        v[i] = v[i] * beta2 + (1.0f - beta2) * g[i] * g[i];
        float denom = __builtin_elementwise_sqrt(v[i]) / root + eps;  // no errno, so it vectorizes
        p[i] = p[i] - step_size * (m[i] / denom);
    }
}

void zoo_adam(float *p, const float *g, float *m, float *v, long n, float lr, float beta1, float beta2,
              float eps, float bias_correction1, float bias_correction2) {
    struct adam_operands o = {p, m, v, g, lr, beta1, beta2, eps, lr / bias_correction1,
                              __builtin_elementwise_sqrt(bias_correction2)};
    zoo_parallel_for(n, GRAIN_MATH, adam_slice, &o);
}

struct sgd_operands {
    float *p, *buf;
    const float *g;
    float lr, momentum;
};

static ZOO_VECTORIZED void sgd_slice(void *context, long begin, long end) {
    const struct sgd_operands *o = context;
    float *p = o->p, *buf = o->buf;
    const float *g = o->g;
    float lr = o->lr, momentum = o->momentum;
    for (long i = begin; i < end; i++) {
        buf[i] = momentum * buf[i] + g[i];
        p[i] = p[i] - lr * buf[i];
    }
}

void zoo_sgd(float *p, const float *g, float *buf, long n, float lr, float momentum) {
    struct sgd_operands o = {p, buf, g, lr, momentum};
    zoo_parallel_for(n, GRAIN_SIMPLE, sgd_slice, &o);
}
