#include "CDecode.h"
#include "row_softmax.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

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

        // 2. Σ exp(x − max) (not wanted where the rows are log-probabilities already).
        if (logSumExp != NULL) logSumExp[r] = row_log_sum_exp(x, bias, columns, maximum);
    }
}
