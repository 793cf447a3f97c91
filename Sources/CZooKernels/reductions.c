#include "zoo_kernels.h"
#include "zoo_math.h"

#define ZOO_VECTORIZED __attribute__((target_clones("avx512f", "avx2", "default")))
// Sums keep LANES independent double-precision partial sums, combined at the end: the compiler
// can vectorize that without reassociating (no -ffast-math), and the order, hence the result, is
// fixed; double lanes keep a million-term loss sum exact to float precision.
#define LANES 16

// Sums term(i) over i < n.
#define LANE_SUM(term)                                                      \
    double acc[LANES] = {0};                                                \
    long full = n - n % LANES;                                              \
    for (long blk = 0; blk < full; blk += LANES)                            \
        for (int l = 0; l < LANES; l++) { long i = blk + l; acc[l] += (term); } \
    double total = 0;                                                       \
    for (long i = full; i < n; i++) total += (term);                        \
    for (int l = 0; l < LANES; l++) total += acc[l];                        \
    return total;

ZOO_VECTORIZED double zoo_sum(const float *x, long n) { LANE_SUM(x[i]) }

ZOO_VECTORIZED double zoo_squared_error(const float *a, const float *b, long n) {
    LANE_SUM((a[i] - b[i]) * (a[i] - b[i]))
}

// PyTorch's BCELoss clamps each log at -100 so p = 0 or 1 gives a finite loss.
static inline float bce_term(float p, float y) {
    return -(y * fmaxf(zoo_logf(p), -100.0f) + (1.0f - y) * fmaxf(zoo_logf(1.0f - p), -100.0f));
}
ZOO_VECTORIZED double zoo_bce(const float *p, const float *y, long n) { LANE_SUM(bce_term(p[i], y[i])) }

ZOO_VECTORIZED void zoo_bce_backward(const float *p, const float *y, float scale, float *dp, long n) {
    for (long i = 0; i < n; i++) dp[i] = scale * (p[i] - y[i]) / fmaxf((1.0f - p[i]) * p[i], 1e-12f);
}

// max(x, 0) - x*y + log(1 + e^-|x|): never overflows, unlike log(sigmoid(x)).
static inline float bce_logits_term(float x, float y) { return zoo_softplusf(x) - x * y; }
ZOO_VECTORIZED double zoo_bce_logits(const float *x, const float *y, long n) {
    LANE_SUM(bce_logits_term(x[i], y[i]))
}

ZOO_VECTORIZED void zoo_bce_logits_backward(const float *x, const float *y, float scale, float *dx, long n) {
    for (long i = 0; i < n; i++) dx[i] = scale * (zoo_sigmoidf(x[i]) - y[i]);
}

static inline float kl_term(float mu, float logvar) {
    return -0.5f * (1.0f + logvar - mu * mu - zoo_expf(logvar));
}
ZOO_VECTORIZED double zoo_gaussian_kl(const float *mu, const float *logvar, long n) {
    LANE_SUM(kl_term(mu[i], logvar[i]))
}

ZOO_VECTORIZED void zoo_sum_rows(const float *x, long rows, long cols, float *out) {
    for (long j = 0; j < cols; j++) out[j] = 0.0f;
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < cols; j++) out[j] += x[r * cols + j];
}

ZOO_VECTORIZED void zoo_sum_cols(const float *x, long rows, long cols, float *out) {
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * cols;
        long n = cols;
        float acc[LANES] = {0};
        long full = n - n % LANES;
        for (long b = 0; b < full; b += LANES)
            for (int l = 0; l < LANES; l++) acc[l] += row[b + l];
        float total = 0;
        for (long i = full; i < n; i++) total += row[i];
        for (int l = 0; l < LANES; l++) total += acc[l];
        out[r] = total;
    }
}
