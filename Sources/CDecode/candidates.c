#include "CDecode.h"
#include "nmt_exp.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

// Built for x86-64-v4 (AVX-512), x86-64-v3 (AVX2, FMA) and the baseline, as CKernels is; the
// loops below keep 16 independent lanes so that they vectorize without -ffast-math, and the
// order of every addition is fixed. As in CKernels, the clones with FMA fuse a·b + c and the
// baseline does not, so the baseline rounds some results differently.
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

/// Puts x (column id) into the sorted list values/ids of `*filled` ≤ k entries; when the list is
/// full the last entry falls out (the caller only calls with x above it). Ties stay in column order.
static inline void insert_candidate(float x, int32_t id, int k, int *filled, float *values, int32_t *ids) {
    int i = *filled < k ? *filled : k - 1;
    while (i > 0 && values[i - 1] < x) {
        values[i] = values[i - 1];
        ids[i] = ids[i - 1];
        i--;
    }
    values[i] = x;
    ids[i] = id;
    if (*filled < k) *filled += 1;
}

NMT_DECODE_KERNEL
void nmt_decode_candidates(int rows, int columns, const float *logits, int ld, const float *bias,
                           int firstCandidate, int k, float *logSumExp, float *values, int32_t *ids) {
    for (int r = 0; r < rows; r++) {
        const float *x = logits + (size_t)r * ld;
        float *best = values + (size_t)r * k;
        int32_t *bestIds = ids + (size_t)r * k;
        int filled = 0;
        float threshold = -INFINITY;   // the k-th best so far (−∞ until k are in)
        float maximum = -INFINITY;

        // 1. The maximum over every column, and the k best from firstCandidate on. A block of 16
        //    is looked at value by value only when its largest beats the k-th best so far, which
        //    after the first few hundred columns is rare.
        int j = 0;
        for (; j < firstCandidate && j < columns; j++) {
            float v = x[j] + bias[j];
            maximum = v > maximum ? v : maximum;
        }
        float maxima[LANES];
        for (int q = 0; q < LANES; q++) maxima[q] = -INFINITY;
        for (; j + LANES <= columns; j += LANES) {
            float v[LANES];
            float block = -INFINITY;
            for (int q = 0; q < LANES; q++) {
                v[q] = x[j + q] + bias[j + q];
                maxima[q] = v[q] > maxima[q] ? v[q] : maxima[q];
                block = v[q] > block ? v[q] : block;
            }
            if (block > threshold) {
                for (int q = 0; q < LANES; q++) {
                    if (v[q] > threshold) {
                        insert_candidate(v[q], j + q, k, &filled, best, bestIds);
                        if (filled == k) threshold = best[k - 1];
                    }
                }
            }
        }
        for (; j < columns; j++) {
            float v = x[j] + bias[j];
            maximum = v > maximum ? v : maximum;
            if (v > threshold) {
                insert_candidate(v, j, k, &filled, best, bestIds);
                if (filled == k) threshold = best[k - 1];
            }
        }
        for (int q = 0; q < LANES; q++) maximum = maxima[q] > maximum ? maxima[q] : maximum;

        // 2. Σ exp(x − max) in 16 lanes, then the lanes in a fixed order.
        float sums[LANES];
        for (int q = 0; q < LANES; q++) sums[q] = 0.0f;
        j = 0;
        for (; j + LANES <= columns; j += LANES) {
            for (int q = 0; q < LANES; q++) sums[q] += exp_nonpositive(x[j + q] + bias[j + q] - maximum);
        }
        for (int q = 0; j + q < columns; q++) sums[q] += exp_nonpositive(x[j + q] + bias[j + q] - maximum);
        float sum = 0.0f;
        for (int q = 0; q < LANES; q++) sum += sums[q];
        logSumExp[r] = maximum + logf(sum);
    }
}
