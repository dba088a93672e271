// e^x, Cephes' single-precision expf made branch-free, so that loops calling it vectorize without
// -ffast-math: one scalar shape for the C kernels (CKernels, CDecode) and one 8-lane shape for
// Swift's loss loops (a lane at a time would be a libm call per lane). Both share the constants,
// the clamp and the polynomial below, so every kernel rounds the same way.
#ifndef NMT_EXP_H
#define NMT_EXP_H

#include <stdint.h>
#include <string.h>
#include "CVectorMath.h"

// x is clamped to [NMT_EXP_LOW, NMT_EXP_HIGH] (e^-87.3 ≈ 1.2e-38 stands for the underflow to 0,
// e^88.3 ≈ 2.2e38 for the overflow).
#define NMT_EXP_LOW (-87.3f)
#define NMT_EXP_HIGH 88.3f

// The range reduction x = n·ln 2 + r, |r| ≤ ln2/2 (ln 2 in two parts, Cody and Waite, so that
// n·0.693359375 is exact), then P(r) by Horner, with e^r ≈ 1 + r + r²·P(r) (relative error
// ≈ 2e-7). One text for both shapes: the vector operators broadcast the scalar constants.
#define NMT_EXP_POLYNOMIAL(x, n, r, p)              \
    r = x - n * 0.693359375f;                       \
    r = r + n * 2.12194440e-4f;                     \
    p = 1.9875691500e-4f;                           \
    p = p * r + 1.3981999507e-3f;                   \
    p = p * r + 8.3334519073e-3f;                   \
    p = p * r + 4.1665795894e-2f;                   \
    p = p * r + 1.6666665459e-1f;                   \
    p = p * r + 5.0000001201e-1f

/// e^x for any x (clamped as above; NaN stays NaN).
static inline __attribute__((always_inline)) float nmt_exp(float x) {
    x = x < NMT_EXP_LOW ? NMT_EXP_LOW : x;
    x = x > NMT_EXP_HIGH ? NMT_EXP_HIGH : x;
    float n = __builtin_rintf(x * 1.44269504088896341f), r, p;
    NMT_EXP_POLYNOMIAL(x, n, r, p);
    // (p·r)·r here, p·(r·r) in nmt_exp8: they differ in the last bit for some inputs, and each
    // is what its callers' results (losses, translations) were made with.
    float y = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return y * scale;
}

/// e^x in each lane, for softmax arguments (x ≤ 0): exactly 0 below NMT_EXP_LOW, as the sampled
/// softmax needs at an accidental hit (−∞), where nmt_exp gives e^-87.3; NaN stays NaN. Within
/// 1 ulp of expf. TF's own softmax uses Eigen's polynomial exp in the same way.
static inline nmt_float8 nmt_exp8(nmt_float8 x) {
    const nmt_int8 tiny = x < NMT_EXP_LOW;
    x = nmt_select8(tiny, (nmt_float8)(NMT_EXP_LOW), x);
    x = nmt_select8(x > NMT_EXP_HIGH, (nmt_float8)(NMT_EXP_HIGH), x);
    const nmt_float8 magic = (nmt_float8)(12582912.0f);    // 1.5·2^23: adding it rounds to an integer
    nmt_float8 t = x * 1.44269504088896341f + magic;
    nmt_float8 n = t - magic, r, p;
    NMT_EXP_POLYNOMIAL(x, n, r, p);
    p = p * (r * r) + r + 1.0f;
    nmt_int8 bits = (__builtin_bit_cast(nmt_int8, t) - __builtin_bit_cast(nmt_int8, magic) + 127) << 23;
    return nmt_select8(tiny, (nmt_float8)(0.0f), p * __builtin_bit_cast(nmt_float8, bits));
}

#endif
