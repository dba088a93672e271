#include "CKernels.h"
#include "nmt_exp.h"          // CVectorMath's e^x, shared with the loss loops

#include <math.h>
#include <stddef.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__)) && defined(__ELF__)
#define NMT_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NMT_KERNEL
#endif

// Reductions keep 16 partial results (one AVX-512 register) so that the compiler vectorizes them
// without -ffast-math; the order of additions is fixed, so results do not depend on the vector
// width. They do depend on FMA: the x86-64-v3 and v4 clones fuse a·b + c into one rounding
// (clang's default -ffp-contract=on), the baseline does not, so a CPU without FMA rounds some
// results (e^x among them) differently.
#define NMT_LANES 16

static inline __attribute__((always_inline)) float nmt_sigmoid(float x) { return 1.0f / (1.0f + nmt_exp(-x)); }

/// tanh(x) = sign(x)·(1 − e^{−2|x|}) / (1 + e^{−2|x|}): no overflow for any x.
static inline __attribute__((always_inline)) float nmt_tanh1(float x) {
    float t = nmt_exp(-2.0f * fabsf(x));
    return copysignf((1.0f - t) / (1.0f + t), x);
}

// The four gate blocks are passed as separate restrict pointers: the vectorizer must know that
// writing one block never changes another (with one z pointer it fell back to scalar code).
static inline __attribute__((always_inline)) void lstm_forward_row(
    int hidden, float *restrict zi, float *restrict zf, float *restrict zg, float *restrict zo,
    const float *restrict cp, int hasPrev, float *restrict c, float *restrict tc, float *restrict h) {
    for (int k = 0; k < hidden; k++) {
        float i = nmt_sigmoid(zi[k]), f = nmt_sigmoid(zf[k] + 1.0f), g = nmt_tanh1(zg[k]), o = nmt_sigmoid(zo[k]);
        float cell = i * g;
        if (hasPrev) cell += f * cp[k];
        float t = nmt_tanh1(cell);
        zi[k] = i; zf[k] = f; zg[k] = g; zo[k] = o;
        c[k] = cell; tc[k] = t; h[k] = o * t;
    }
}

NMT_KERNEL
void nmt_lstm_cell_forward(int rows, int hidden, float *gates, int ldg,
                           const float *cellsPrev, int ldp, int rowsPrev,
                           float *cells, int ldc, float *tanhCells, int ldt, float *outputs, int ldo) {
    for (int r = 0; r < rows; r++) {
        float *z = gates + (size_t)r * ldg, *c = cells + (size_t)r * ldc;
        float *tc = tanhCells + (size_t)r * ldt, *h = outputs + (size_t)r * ldo;
        float *zi = z, *zf = z + hidden, *zg = z + 2 * hidden, *zo = z + 3 * hidden;
        if (r < rowsPrev) lstm_forward_row(hidden, zi, zf, zg, zo, cellsPrev + (size_t)r * ldp, 1, c, tc, h);
        else lstm_forward_row(hidden, zi, zf, zg, zo, NULL, 0, c, tc, h);
    }
}

static inline __attribute__((always_inline)) void lstm_backward_row(
    int hidden, float *restrict zi, float *restrict zf, float *restrict zg, float *restrict zo,
    const float *restrict cp, int hasPrev, const float *restrict tc, const float *restrict dh, float *restrict dc) {
    for (int k = 0; k < hidden; k++) {
        float i = zi[k], f = zf[k], g = zg[k], o = zo[k], t = tc[k], d = dh[k];
        float dcell = dc[k] + d * o * (1.0f - t * t);
        float previous = hasPrev ? cp[k] : 0.0f;
        zi[k] = dcell * g * i * (1.0f - i);
        zf[k] = dcell * previous * f * (1.0f - f);
        zg[k] = dcell * i * (1.0f - g * g);
        zo[k] = d * t * o * (1.0f - o);
        dc[k] = dcell * f;
    }
}

NMT_KERNEL
void nmt_lstm_cell_backward(int rows, int hidden, float *gates, int ldg,
                            const float *cellsPrev, int ldp, int rowsPrev,
                            const float *tanhCells, int ldt, const float *dOutputs, int lddo,
                            float *dCells, int lddc) {
    for (int r = 0; r < rows; r++) {
        float *z = gates + (size_t)r * ldg, *dc = dCells + (size_t)r * lddc;
        const float *tc = tanhCells + (size_t)r * ldt, *dh = dOutputs + (size_t)r * lddo;
        float *zi = z, *zf = z + hidden, *zg = z + 2 * hidden, *zo = z + 3 * hidden;
        if (r < rowsPrev) lstm_backward_row(hidden, zi, zf, zg, zo, cellsPrev + (size_t)r * ldp, 1, tc, dh, dc);
        else lstm_backward_row(hidden, zi, zf, zg, zo, NULL, 0, tc, dh, dc);
    }
}

static inline __attribute__((always_inline)) float dot(int n, const float *restrict a, const float *restrict b) {
    float lanes[NMT_LANES] = {0};
    int i = 0;
    for (; i + NMT_LANES <= n; i += NMT_LANES)
        for (int l = 0; l < NMT_LANES; l++) lanes[l] += a[i + l] * b[i + l];
    float sum = 0;
    for (; i < n; i++) sum += a[i] * b[i];
    for (int l = 0; l < NMT_LANES; l++) sum += lanes[l];
    return sum;
}

/// Σ_j v_j tanh(q_j + k_j).
static inline __attribute__((always_inline)) float concat_score(int n, const float *restrict q, const float *restrict k, const float *restrict v) {
    float lanes[NMT_LANES] = {0};
    int i = 0;
    for (; i + NMT_LANES <= n; i += NMT_LANES)
        for (int l = 0; l < NMT_LANES; l++) lanes[l] += v[i + l] * nmt_tanh1(q[i + l] + k[i + l]);
    float sum = 0;
    for (; i < n; i++) sum += v[i] * nmt_tanh1(q[i] + k[i]);
    for (int l = 0; l < NMT_LANES; l++) sum += lanes[l];
    return sum;
}

NMT_KERNEL
void nmt_attention_forward(int rows, int sourceLength, int hidden, int mode,
                           const float *query, int ldq, const float *keys, const float *memory,
                           const int32_t *sentence, const int32_t *start, const float *v,
                           float *alignment, int lda, float *context, int ldc) {
    const int S = sourceLength, H = hidden;
    for (int d = 0; d < rows; d++) {
        const size_t b = sentence ? (size_t)sentence[d] : (size_t)d;
        const float *q = query + (size_t)d * ldq;
        const float *k = keys + b * S * H, *m = memory + b * S * H;
        float *a = alignment + (size_t)d * lda, *c = context + (size_t)d * ldc;
        const int first = start[b];
        for (int s = 0; s < first && s < S; s++) a[s] = 0;
        for (int j = 0; j < H; j++) c[j] = 0;
        if (first >= S) continue;
        float best = -INFINITY;
        for (int s = first; s < S; s++) {
            float score = mode == 0 ? dot(H, q, k + (size_t)s * H) : concat_score(H, q, k + (size_t)s * H, v);
            a[s] = score;
            best = score > best ? score : best;
        }
        float total = 0;
        for (int s = first; s < S; s++) { a[s] = nmt_exp(a[s] - best); total += a[s]; }
        const float inverse = 1.0f / total;
        for (int s = first; s < S; s++) {
            const float weight = a[s] * inverse;
            a[s] = weight;
            const float *ms = m + (size_t)s * H;
            for (int j = 0; j < H; j++) c[j] += weight * ms[j];
        }
    }
}

NMT_KERNEL
void nmt_attention_backward(int rows, int sourceLength, int hidden, int mode,
                            const float *query, int ldq, const float *keys, const float *memory,
                            const int32_t *sentence, const int32_t *start, const float *v,
                            const float *alignment, int lda, const float *dContext, int lddc,
                            float *dQuery, int lddq, float *dKeys, float *dMemory, float *dV,
                            float *scratch) {
    const int S = sourceLength, H = hidden;
    for (int d = 0; d < rows; d++) {
        const size_t b = sentence ? (size_t)sentence[d] : (size_t)d;
        const int first = start[b];
        if (first >= S) continue;
        const float *q = query + (size_t)d * ldq, *a = alignment + (size_t)d * lda, *dc = dContext + (size_t)d * lddc;
        const float *k = keys + b * S * H, *m = memory + b * S * H;
        float *dq = dQuery + (size_t)d * lddq;
        float *dk = dKeys + b * S * H, *dm = dMemory + b * S * H;
        // da_s = dc·h̄_s; dscore_s = a_s (da_s − Σ_s' a_s' da_s') (softmax backward).
        float expected = 0;
        for (int s = first; s < S; s++) { scratch[s] = dot(H, dc, m + (size_t)s * H); expected += a[s] * scratch[s]; }
        for (int s = first; s < S; s++) {
            const float weight = a[s], dScore = weight * (scratch[s] - expected);
            float *dms = dm + (size_t)s * H;
            for (int j = 0; j < H; j++) dms[j] += weight * dc[j];
            const float *ks = k + (size_t)s * H;
            float *dks = dk + (size_t)s * H;
            if (mode == 0) {
                for (int j = 0; j < H; j++) { dq[j] += dScore * ks[j]; dks[j] += dScore * q[j]; }
            } else {
                for (int j = 0; j < H; j++) {
                    const float u = nmt_tanh1(q[j] + ks[j]);
                    const float dPre = dScore * v[j] * (1.0f - u * u);
                    dV[j] += dScore * u;
                    dq[j] += dPre;
                    dks[j] += dPre;
                }
            }
        }
    }
}

NMT_KERNEL
void nmt_tanh(int rows, int columns, float *x, int ld) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ld;
        for (int j = 0; j < columns; j++) row[j] = nmt_tanh1(row[j]);
    }
}

NMT_KERNEL
void nmt_tanh_backward(int rows, int columns, const float *y, int ldy, const float *dy, int lddy,
                       float *dx, int lddx) {
    for (int r = 0; r < rows; r++) {
        const float *yr = y + (size_t)r * ldy, *dyr = dy + (size_t)r * lddy;
        float *dxr = dx + (size_t)r * lddx;
        for (int j = 0; j < columns; j++) dxr[j] = dyr[j] * (1.0f - yr[j] * yr[j]);
    }
}

NMT_KERNEL
double nmt_softmax_cross_entropy(int rows, int columns, float *logits, int ld, const float *bias,
                                 const int32_t *labels, const float *weights, float scale,
                                 int writeGradient, float *biasGradient) {
    double loss = 0;
    for (int r = 0; r < rows; r++) {
        float *z = logits + (size_t)r * ld;
        // Pass 1: add the bias (fused here rather than broadcast before the GEMM: one pass over
        // the logits fewer) and find the largest logit.
        float lanes[NMT_LANES];
        for (int l = 0; l < NMT_LANES; l++) lanes[l] = -INFINITY;
        int j = 0;
        if (bias) for (int k = 0; k < columns; k++) z[k] += bias[k];
        for (; j + NMT_LANES <= columns; j += NMT_LANES)
            for (int l = 0; l < NMT_LANES; l++) lanes[l] = z[j + l] > lanes[l] ? z[j + l] : lanes[l];
        float best = -INFINITY;
        for (; j < columns; j++) best = z[j] > best ? z[j] : best;
        for (int l = 0; l < NMT_LANES; l++) best = lanes[l] > best ? lanes[l] : best;

        // Pass 2: Σ e^{z − max} (kept in z when a gradient follows).
        const float label = z[labels[r]];
        for (int l = 0; l < NMT_LANES; l++) lanes[l] = 0;
        float total = 0;
        j = 0;
        if (writeGradient) {
            for (; j + NMT_LANES <= columns; j += NMT_LANES)
                for (int l = 0; l < NMT_LANES; l++) { float e = nmt_exp(z[j + l] - best); z[j + l] = e; lanes[l] += e; }
            for (; j < columns; j++) { float e = nmt_exp(z[j] - best); z[j] = e; total += e; }
        } else {
            for (; j + NMT_LANES <= columns; j += NMT_LANES)
                for (int l = 0; l < NMT_LANES; l++) lanes[l] += nmt_exp(z[j + l] - best);
            for (; j < columns; j++) total += nmt_exp(z[j] - best);
        }
        for (int l = 0; l < NMT_LANES; l++) total += lanes[l];
        // CE = log Σ_j e^{z_j} − z_label, computed from the shifted logits.
        loss += (double)weights[r] * ((double)logf(total) + (double)best - (double)label);

        // Pass 3: the gradient, and its column sums for the bias.
        if (writeGradient) {
            const float coefficient = weights[r] * scale, factor = coefficient / total;
            for (j = 0; j < columns; j++) z[j] *= factor;
            z[labels[r]] -= coefficient;
            if (biasGradient) for (j = 0; j < columns; j++) biasGradient[j] += z[j];
        }
    }
    return loss;
}

NMT_KERNEL
void nmt_add_column_sums(int rows, int columns, const float *a, int lda, float *out) {
    for (int r = 0; r < rows; r++) {
        const float *row = a + (size_t)r * lda;
        for (int j = 0; j < columns; j++) out[j] += row[j];
    }
}

void nmt_broadcast_row(int rows, int columns, const float *row, float *out, int ldo) {
    for (int r = 0; r < rows; r++) memcpy(out + (size_t)r * ldo, row, (size_t)columns * sizeof(float));
}

NMT_KERNEL
void nmt_multiply(int rows, int columns, const float *a, int lda, const float *b, int ldb,
                  float *out, int ldo, int accumulate) {
    for (int r = 0; r < rows; r++) {
        const float *ar = a + (size_t)r * lda, *br = b + (size_t)r * ldb;
        float *o = out + (size_t)r * ldo;
        if (accumulate) for (int j = 0; j < columns; j++) o[j] += ar[j] * br[j];
        else for (int j = 0; j < columns; j++) o[j] = ar[j] * br[j];
    }
}
