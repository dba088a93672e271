// The decoder's pass over the logits of a step: log Σ exp for the log-softmax, and the k best
// candidates of each row, in one read of the row (the logits of a step are [rows, Vt], 41 MB for
// 320 beam rows of a 32,000-word vocabulary: they are read once more, not written back); and an
// ensemble's mean of its models' log-softmax.
#ifndef NMT_CDECODE_H
#define NMT_CDECODE_H

#include <stdint.h>

/// For each row r of logits [rows, columns] (row stride ld), with x = logits[r] + bias:
/// - logSumExp[r] = log Σ_j exp(x_j) over every column (so log p_j = x_j − logSumExp[r]);
/// - values[r·k ..< r·k + k] and ids[…]: the k largest x_j among columns j ≥ firstCandidate,
///   largest first, equal values in increasing column order.
/// Requires 1 ≤ k ≤ columns − firstCandidate. The logits are not modified. logSumExp may be
/// NULL (rows that are log-probabilities already): then only the candidates are found.
void nmt_decode_candidates(int rows, int columns, const float *logits, int ld, const float *bias,
                           int firstCandidate, int k, float *logSumExp, float *values, int32_t *ids);

/// An ensemble's step, one model at a time: for each row r of logits [rows, columns] (row stride
/// ld), with x = logits[r] + bias and lse = log Σ_j exp(x_j) (as `nmt_decode_candidates` gives it),
///     sum[r, j] = (accumulate ? sum[r, j] : 0) + (x_j − lse) · scale
/// for every column j (sum's row stride sumLd). With scale 1/M over the M models, sum ends as the
/// mean of their log-probabilities. sum must not overlap logits or bias.
void nmt_decode_log_softmax_accumulate(int rows, int columns, const float *logits, int ld, const float *bias,
                                       float scale, int accumulate, float *sum, int sumLd);

#endif
