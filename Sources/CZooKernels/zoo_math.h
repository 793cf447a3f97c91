// Branch-free float32 exp, log and tanh (Cephes polynomials) that the compiler can vectorize.
// A NaN in gives a NaN out, as in libm: a diverged model must show in its loss.
#pragma once
#include <stdint.h>
#include <string.h>
#include <math.h>

static inline float zoo_bits_to_float(int32_t i) { float f; memcpy(&f, &i, 4); return f; }
static inline int32_t zoo_float_to_bits(float f) { int32_t i; memcpy(&i, &f, 4); return i; }

static inline float zoo_expf(float input) {
    float x = fminf(fmaxf(input, -87.33654f), 88.37626f);   // fmaxf/fminf drop a NaN...
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float y = 1.9875691500e-4f;
    y = y * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * r * r + r + 1.0f;
    float result = y * zoo_bits_to_float(((int32_t)n + 127) << 23);
    return input == input ? result : input;                   // ...so put it back
}

// Natural log: -inf at 0 (callers clamp, as PyTorch's BCE does at -100), NaN below 0.
static inline float zoo_logf(float x) {
    int32_t bits = zoo_float_to_bits(x);
    float e = (float)(((bits >> 23) & 0xff) - 126);
    float m = zoo_bits_to_float((bits & 0x807fffff) | 0x3f000000);   // x = m * 2^e, m in [0.5, 1)
    float small = m < 0.707106781186547524f ? 1.0f : 0.0f;
    e -= small;
    m = m + small * m - 1.0f;
    float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y += e * -2.12194440e-4f;
    y += -0.5f * z;
    float r = m + y + e * 0.693359375f;
    if (x == INFINITY) r = INFINITY;   // its bits read as 2^128, a finite log
    return x > 0.0f ? r : (x == 0.0f ? -INFINITY : NAN);
}

// max(x, low) that keeps a NaN (fmaxf would return low).
static inline float zoo_at_least(float x, float low) { return x < low ? low : x; }

static inline float zoo_sigmoidf(float x) { return 1.0f / (1.0f + zoo_expf(-x)); }

static inline float zoo_tanhf(float x) {
    // Near zero 1 - 2/(e^2x + 1) cancels badly, so use the odd polynomial there.
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float near = x + x * z * p;
    float far = 1.0f - 2.0f / (zoo_expf(2.0f * x) + 1.0f);
    return fabsf(x) < 0.625f ? near : far;
}

// log(1 + t) accurate for tiny t: the rounding of u = 1 + t cancels in log(u)·t/(u - 1).
static inline float zoo_log1pf(float t) {
    float u = 1.0f + t;
    return u == 1.0f ? t : zoo_logf(u) * t / (u - 1.0f);
}

// log(1 + e^x) without overflow: max(x, 0) + log(1 + e^-|x|).
static inline float zoo_softplusf(float x) {
    return fmaxf(x, 0.0f) + zoo_log1pf(zoo_expf(-fabsf(x)));
}
