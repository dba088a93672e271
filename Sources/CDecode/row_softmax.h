// What the decoder's kernels share (private to CDecode): the build attribute, e^x for x ≤ 0, and
// log Σ exp of one row. Every kernel that normalizes a row goes through `row_log_sum_exp`, so the
// same logits give the same normalizer bit for bit in all of them (an ensemble of a model with
// itself scores as the model does).
#ifndef NMT_CDECODE_ROW_SOFTMAX_H
#define NMT_CDECODE_ROW_SOFTMAX_H

#include "nmt_exp.h"

#include <math.h>

// Built for x86-64-v4 (AVX-512), x86-64-v3 (AVX2, FMA) and the baseline, as CKernels is; the
// loops keep 16 independent lanes so that they vectorize without -ffast-math, and the order of
// every addition is fixed. As in CKernels, the clones with FMA fuse a·b + c and the baseline
// does not, so the baseline rounds some results differently.
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__)) && defined(__ELF__)
#define NMT_DECODE_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NMT_DECODE_KERNEL
#endif

#define LANES 16

/// e^x for x ≤ 0 (the argument of a softmax less its maximum), 0 below NMT_EXP_LOW where
/// `nmt_exp` clamps, as `nmt_exp8` gives. Branch-free, so the loop calling it vectorizes.
static inline float exp_nonpositive(float x) {
    return (x < NMT_EXP_LOW ? 0.0f : 1.0f) * nmt_exp(x);
}

/// max_j (x_j + bias_j) over the row, in 16 lanes (a maximum does not depend on the order).
static inline float row_maximum(const float *x, const float *bias, int columns) {
    float maxima[LANES];
    for (int q = 0; q < LANES; q++) maxima[q] = -INFINITY;
    int j = 0;
    for (; j + LANES <= columns; j += LANES) {
        for (int q = 0; q < LANES; q++) {
            float v = x[j + q] + bias[j + q];
            maxima[q] = v > maxima[q] ? v : maxima[q];
        }
    }
    float maximum = -INFINITY;
    for (; j < columns; j++) {
        float v = x[j] + bias[j];
        maximum = v > maximum ? v : maximum;
    }
    for (int q = 0; q < LANES; q++) maximum = maxima[q] > maximum ? maxima[q] : maximum;
    return maximum;
}

/// log Σ_j exp(x_j + bias_j) of a row whose largest x_j + bias_j is `maximum`: Σ exp(x − max)
/// in 16 lanes, then the lanes in a fixed order.
static inline float row_log_sum_exp(const float *x, const float *bias, int columns, float maximum) {
    float sums[LANES];
    for (int q = 0; q < LANES; q++) sums[q] = 0.0f;
    int j = 0;
    for (; j + LANES <= columns; j += LANES) {
        for (int q = 0; q < LANES; q++) sums[q] += exp_nonpositive(x[j + q] + bias[j + q] - maximum);
    }
    for (int q = 0; j + q < columns; q++) sums[q] += exp_nonpositive(x[j + q] + bias[j + q] - maximum);
    float sum = 0.0f;
    for (int q = 0; q < LANES; q++) sum += sums[q];
    return maximum + logf(sum);
}

#endif
