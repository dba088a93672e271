// Element-wise kernels of the model's hot path: the LSTM cell, Luong attention's masked softmax
// and context, softmax cross-entropy, tanh. Tight loops over row-major blocks (row r of a block
// starts at base + r * ld); every matrix product stays in GEMM (CBLAS).
//
// Each kernel is built for x86-64-v4 (AVX-512), x86-64-v3 (AVX2, FMA) and the baseline, and the
// loader picks the widest the CPU has (target_clones), so the package needs no -march flag.
#ifndef NMT_CKERNELS_H
#define NMT_CKERNELS_H

#include <stdint.h>

/// LSTM cell (TF BasicLSTMCell, forget bias 1) for `rows` rows.
/// gates [rows, 4H] (ldg): z = [x, h_prev]·W + b in the order i, f, g, o; overwritten with the
/// activations σ(i), σ(f + 1), tanh(g), σ(o) that the backward pass needs.
/// cellsPrev [rowsPrev, H] (ldp): c_{t-1}; rows at or past rowsPrev have c_{t-1} = 0.
/// Writes cells c_t, tanhCells tanh(c_t) and outputs h_t = σ(o)·tanh(c_t), each [rows, H].
void nmt_lstm_cell_forward(int rows, int hidden, float *gates, int ldg,
                           const float *cellsPrev, int ldp, int rowsPrev,
                           float *cells, int ldc, float *tanhCells, int ldt, float *outputs, int ldo);

/// Backward of `nmt_lstm_cell_forward`. gates holds the activations on entry and dz (the gradient
/// of the pre-activations, same order) on exit. dOutputs [rows, H]: dL/dh_t (all paths).
/// dCells [rows, H]: on entry dL/dc_t through c_{t+1}; on exit dL/dc_{t-1} (= dc_t·σ(f + 1)).
void nmt_lstm_cell_backward(int rows, int hidden, float *gates, int ldg,
                            const float *cellsPrev, int ldp, int rowsPrev,
                            const float *tanhCells, int ldt, const float *dOutputs, int lddo,
                            float *dCells, int lddc);

/// Luong attention for `rows` queries, each over its own sourceLength positions.
/// mode 0 (dot, general): score_s = q·k_s; mode 1 (concat): score_s = Σ_j v_j tanh(q_j + k_{s,j}),
/// where q is already h_t·W_a[0:H] and k_s = h̄_s·W_a[H:2H].
/// keys, memory: one block of sourceLength rows per sentence, [sentences·S, H] contiguous (row b·S + s).
/// sentence[d]: the block query row d attends to (NULL: block d; decoding maps each beam's rows to
/// its sentence, nothing copied). start[b]: the first unmasked position of block b (positions before
/// it get probability exactly 0; start = S: all masked, the context is 0). Writes alignment
/// a [rows, S] (lda) and context c = Σ_s a_s h̄_s [rows, H] (ldc).
void nmt_attention_forward(int rows, int sourceLength, int hidden, int mode,
                           const float *query, int ldq, const float *keys, const float *memory,
                           const int32_t *sentence, const int32_t *start, const float *v,
                           float *alignment, int lda, float *context, int ldc);

/// Backward of `nmt_attention_forward` given dContext [rows, H]. Adds into dQuery [rows, H],
/// dKeys and dMemory (laid out like keys; they may be the same buffer, as for `dot`) and dV [H]
/// (mode 1). scratch: sourceLength floats.
void nmt_attention_backward(int rows, int sourceLength, int hidden, int mode,
                            const float *query, int ldq, const float *keys, const float *memory,
                            const int32_t *sentence, const int32_t *start, const float *v,
                            const float *alignment, int lda, const float *dContext, int lddc,
                            float *dQuery, int lddq, float *dKeys, float *dMemory, float *dV,
                            float *scratch);

/// x = tanh(x) over a [rows, columns] block.
void nmt_tanh(int rows, int columns, float *x, int ld);

/// dx = dy·(1 − y²) where y = tanh(x), over [rows, columns] blocks.
void nmt_tanh_backward(int rows, int columns, const float *y, int ldy, const float *dy, int lddy,
                       float *dx, int lddx);

/// Softmax cross-entropy of each row of logits [rows, columns] (plus bias [columns] when not NULL)
/// against labels[r], weighted by weights[r]. Returns Σ_r weights[r]·CE_r. When writeGradient is
/// nonzero, the logits are overwritten with dL/dlogits = weights[r]·scale·(softmax − onehot(label)),
/// and their column sums are added into biasGradient [columns] when it is not NULL.
double nmt_softmax_cross_entropy(int rows, int columns, float *logits, int ld, const float *bias,
                                 const int32_t *labels, const float *weights, float scale,
                                 int writeGradient, float *biasGradient);

/// out[j] += Σ_r a[r, j] (bias gradients).
void nmt_add_column_sums(int rows, int columns, const float *a, int lda, float *out);

/// Every row of out [rows, columns] (ldo) = row.
void nmt_broadcast_row(int rows, int columns, const float *row, float *out, int ldo);

/// out[r, :] (+)= a[r, :]·b[r, :] over [rows, columns] blocks (accumulate when nonzero):
/// inverted dropout forward and backward.
void nmt_multiply(int rows, int columns, const float *a, int lda, const float *b, int ldb,
                  float *out, int ldo, int accumulate);

#endif
