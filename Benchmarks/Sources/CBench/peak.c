#include "bench.h"
#include <immintrin.h>
#include <pthread.h>
#include <time.h>

// Twelve independent accumulators hide the FMA latency (4 cycles) behind two FMA pipes.
#define CHAINS 12

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx512f"))) static float fma_avx512(long iterations) {
    __m512 acc[CHAINS], b = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-6f);
    for (int k = 0; k < CHAINS; k++) acc[k] = _mm512_set1_ps((float)k);
    for (long i = 0; i < iterations; i++)
        for (int k = 0; k < CHAINS; k++) acc[k] = _mm512_fmadd_ps(acc[k], b, c);
    for (int k = 1; k < CHAINS; k++) acc[0] = _mm512_add_ps(acc[0], acc[k]);
    return _mm512_reduce_add_ps(acc[0]);
}

__attribute__((target("avx2,fma"))) static float fma_avx2(long iterations) {
    __m256 acc[CHAINS], b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-6f);
    for (int k = 0; k < CHAINS; k++) acc[k] = _mm256_set1_ps((float)k);
    for (long i = 0; i < iterations; i++)
        for (int k = 0; k < CHAINS; k++) acc[k] = _mm256_fmadd_ps(acc[k], b, c);
    float lanes[8], sum = 0;
    for (int k = 1; k < CHAINS; k++) acc[0] = _mm256_add_ps(acc[0], acc[k]);
    _mm256_storeu_ps(lanes, acc[0]);
    for (int i = 0; i < 8; i++) sum += lanes[i];
    return sum;
}

static int lanes(void) {
    if (__builtin_cpu_supports("avx512f")) return 16;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 8;
    return 0;
}

struct job { long iterations; volatile float sink; };

static void *work(void *context) {
    struct job *job = context;
    job->sink = lanes() == 16 ? fma_avx512(job->iterations) : fma_avx2(job->iterations);
    return 0;
}

// Runs `iterations` on every thread at once; returns the wall time.
static double timed(int threads, long iterations) {
    pthread_t ids[64];
    struct job jobs[64];
    double start = now();
    for (int t = 0; t < threads; t++) {
        jobs[t].iterations = iterations;
        pthread_create(&ids[t], 0, work, &jobs[t]);
    }
    for (int t = 0; t < threads; t++) pthread_join(ids[t], 0);
    return now() - start;
}

double zoo_fma_peak_gflops(int threads, double seconds) {
    if (lanes() == 0 || threads < 1) return 0;
    if (threads > 64) threads = 64;
    long iterations = 1000000;
    double elapsed = timed(threads, iterations);
    while (elapsed < 0.05) elapsed = timed(threads, iterations *= 4);  // also wakes the cores up
    iterations = (long)(iterations * seconds / elapsed);
    double best = 1e30;
    for (int round = 0; round < 3; round++) {  // the best of three: a busy host only slows it
        double t = timed(threads, iterations);
        if (t < best) best = t;
    }
    double flops = 2.0 * CHAINS * lanes() * (double)iterations * threads;
    return flops / best / 1e9;
}
