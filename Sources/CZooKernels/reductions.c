#include "zoo_kernels.h"
#include "zoo_math.h"
#include <stdlib.h>

#define ZOO_VECTORIZED __attribute__((target_clones("avx512f", "avx2", "default")))
// Sums keep LANES independent double-precision partial sums, combined at the end: the compiler
// can vectorize that without reassociating (no -ffast-math), and the order, hence the result, is
// fixed; double lanes keep a million-term loss sum exact to float precision.
#define LANES 16
// Long sums are cut into chunks of this many terms at fixed places, summed in parallel, and the
// chunk sums added in order: the same result on any number of threads.
#define CHUNK (1L << 13)

typedef double (*range_sum_fn)(const float *a, const float *b, long begin, long end);

// Defines a range sum of term(i) over begin <= i < end (term reads a[i], b[i]).
#define RANGE_SUM(name, term)                                                   \
    static ZOO_VECTORIZED double name(const float *a, const float *b, long begin, long end) { \
        (void)b;                                                                \
        double acc[LANES] = {0};                                                \
        long full = begin + (end - begin) / LANES * LANES;                      \
        for (long blk = begin; blk < full; blk += LANES)                        \
            for (int l = 0; l < LANES; l++) { long i = blk + l; acc[l] += (term); } \
        double total = 0;                                                       \
        for (long i = full; i < end; i++) total += (term);                      \
        for (int l = 0; l < LANES; l++) total += acc[l];                        \
        return total;                                                           \
    }

struct chunked_sum {
    const float *a, *b;
    long n;
    range_sum_fn range;
    double *partial;
};

// Each thread sums the chunks that start inside its slice (a chunk may run past the slice end).
static void chunk_slice(void *context, long begin, long end) {
    const struct chunked_sum *s = context;
    for (long c = (begin + CHUNK - 1) / CHUNK; c * CHUNK < end; c++) {
        long stop = (c + 1) * CHUNK < s->n ? (c + 1) * CHUNK : s->n;
        s->partial[c] = s->range(s->a, s->b, c * CHUNK, stop);
    }
}

static double chunked_sum(const float *a, const float *b, long n, range_sum_fn range) {
    long chunks = (n + CHUNK - 1) / CHUNK;
    if (chunks <= 1) return range(a, b, 0, n);
    double stack[64];
    double *partial = chunks <= 64 ? stack : malloc((size_t)chunks * sizeof(double));
    if (!partial) return range(a, b, 0, n);
    struct chunked_sum s = {a, b, n, range, partial};
    zoo_parallel_for(n, CHUNK, chunk_slice, &s);
    double total = 0;
    for (long c = 0; c < chunks; c++) total += partial[c];
    if (partial != stack) free(partial);
    return total;
}

RANGE_SUM(sum_range, a[i])
double zoo_sum(const float *x, long n) { return chunked_sum(x, NULL, n, sum_range); }

RANGE_SUM(squared_error_range, (a[i] - b[i]) * (a[i] - b[i]))
double zoo_squared_error(const float *a, const float *b, long n) { return chunked_sum(a, b, n, squared_error_range); }

// PyTorch's BCELoss clamps each log at -100 so p = 0 or 1 gives a finite loss.
static inline float bce_term(float p, float y) {
    return -(y * zoo_at_least(zoo_logf(p), -100.0f) + (1.0f - y) * zoo_at_least(zoo_logf(1.0f - p), -100.0f));
}
RANGE_SUM(bce_range, bce_term(a[i], b[i]))
double zoo_bce(const float *p, const float *y, long n) { return chunked_sum(p, y, n, bce_range); }

// max(x, 0) - x*y + log(1 + e^-|x|): never overflows, unlike log(sigmoid(x)).
static inline float bce_logits_term(float x, float y) { return zoo_softplusf(x) - x * y; }
RANGE_SUM(bce_logits_range, bce_logits_term(a[i], b[i]))
double zoo_bce_logits(const float *x, const float *y, long n) { return chunked_sum(x, y, n, bce_logits_range); }

static inline float kl_term(float mu, float logvar) {
    return -0.5f * (1.0f + logvar - mu * mu - zoo_expf(logvar));
}
RANGE_SUM(kl_range, kl_term(a[i], b[i]))
double zoo_gaussian_kl(const float *mu, const float *logvar, long n) { return chunked_sum(mu, logvar, n, kl_range); }

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
