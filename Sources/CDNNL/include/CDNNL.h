// oneDNN's int8 matrix product for the decoder (issue 15), behind a few functions: nmt sees no
// oneDNN type. fp32 stays OpenBLAS (CBLAS); only `--precision int8` comes here.
#ifndef NMT_CDNNL_H
#define NMT_CDNNL_H

#include <stdint.h>

/// What this CPU runs fast through oneDNN (its effective ISA): bit 0 int8 (AVX2 or later: u8×s8
/// products), bit 1 bf16 (AVX512_BF16 or AMX), bit 2 VNNI (int8 products without 16-bit
/// intermediate sums). 0 when oneDNN has no CPU engine.
int nmt_dnnl_cpu_features(void);

/// W [K, N] quantized per output n (symmetric s8: scale_n = max_k |W[k,n]| / 127), laid out
/// as N rows of K, with its oneDNN matmul made once for any number of rows M.
typedef struct nmt_int8_weights nmt_int8_weights;

/// Quantizes W whose element (k, n) is w[k·k_stride + n·n_stride]. NULL when oneDNN refuses
/// the product (no kernel) or memory runs out.
nmt_int8_weights *nmt_int8_weights_create(int K, int N, const float *w, long k_stride, long n_stride);
void nmt_int8_weights_destroy(nmt_int8_weights *weights);
int nmt_int8_weights_rows(const nmt_int8_weights *weights);      // K
int nmt_int8_weights_columns(const nmt_int8_weights *weights);   // N
/// scale_n [N] and the quantized W as q[n·K + k] (for tests).
const float *nmt_int8_weights_scales(const nmt_int8_weights *weights);
const int8_t *nmt_int8_weights_values(const nmt_int8_weights *weights);

/// Buffers a product needs (the quantized rows, their scales and zero points, the int32 sums),
/// grown on demand, and its oneDNN stream; one per decoding thread. NULL without a oneDNN CPU engine.
typedef struct nmt_int8_scratch nmt_int8_scratch;
nmt_int8_scratch *nmt_int8_scratch_create(void);
void nmt_int8_scratch_destroy(nmt_int8_scratch *scratch);

/// c = beta·c + â·Ŵ for a [M, K] (row stride lda), c [M, N] (row stride ldc), beta 0 or 1
/// (0: c is not read). Each row of a is quantized to u8 with its own scale and zero point over
/// `levels` steps (127 where the CPU lacks VNNI, so that two u8·s8 products never overflow the
/// 16-bit sums of vpmaddubsw; 255 with VNNI); the sums are int32, dequantized to fp32 per row and
/// column. `threads`: OpenMP threads of this call. Returns 0, or a nonzero oneDNN status.
int nmt_int8_multiply(const nmt_int8_weights *weights, nmt_int8_scratch *scratch, int M, const float *a, long lda,
                      float *c, long ldc, float beta, int levels, int threads);

/// Row m of a quantized as `nmt_int8_multiply` does: q[m·K + k] u8, scale[m], zero[m] (for tests).
void nmt_int8_quantize_rows(int M, int K, const float *a, long lda, int levels, uint8_t *q, float *scale, int32_t *zero);

#endif
