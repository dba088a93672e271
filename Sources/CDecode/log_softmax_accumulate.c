#include "CDecode.h"
#include "row_softmax.h"

#include <stddef.h>

// An ensemble's step: each model's log-softmax, scaled by 1/M, added into the sum of the models.
// The row is read three times (maximum, Σ exp, the sum) and the sum once read and written; no
// buffer is needed but the sum itself. With scale ½ (two models) every product is exact, so
// ½x + ½x = x: a model with itself gives its own log-probabilities bit for bit (with or without
// FMA, which may fuse the product into the addition).
NMT_DECODE_KERNEL
void nmt_decode_log_softmax_accumulate(int rows, int columns, const float *logits, int ld, const float *bias,
                                       float scale, int accumulate, float *sum, int sumLd) {
    for (int r = 0; r < rows; r++) {
        // restrict: the sum is none of the inputs, so the loops below vectorize without a check.
        const float *restrict x = logits + (size_t)r * ld;
        float *restrict out = sum + (size_t)r * sumLd;
        const float logSumExp = row_log_sum_exp(x, bias, columns, row_maximum(x, bias, columns));
        if (accumulate) {
            for (int j = 0; j < columns; j++) out[j] += (x[j] + bias[j] - logSumExp) * scale;
        } else {
            for (int j = 0; j < columns; j++) out[j] = (x[j] + bias[j] - logSumExp) * scale;
        }
    }
}
