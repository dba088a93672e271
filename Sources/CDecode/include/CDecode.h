// The decoder's pass over the logits of a step: log Σ exp for the log-softmax, and the k best
// candidates of each row, in one read of the row (the logits of a step are [rows, Vt], 41 MB for
// 320 beam rows of a 32,000-word vocabulary: they are read once more, not written back).
#ifndef NMT_CDECODE_H
#define NMT_CDECODE_H

#include <stdint.h>

/// For each row r of logits [rows, columns] (row stride ld), with x = logits[r] + bias:
/// - logSumExp[r] = log Σ_j exp(x_j) over every column (so log p_j = x_j − logSumExp[r]);
/// - values[r·k ..< r·k + k] and ids[…]: the k largest x_j among columns j ≥ firstCandidate,
///   largest first, equal values in increasing column order.
/// Requires 1 ≤ k ≤ columns − firstCandidate. The logits are not modified.
void nmt_decode_candidates(int rows, int columns, const float *logits, int ld, const float *bias,
                           int firstCandidate, int k, float *logSumExp, float *values, int32_t *ids);

#endif
