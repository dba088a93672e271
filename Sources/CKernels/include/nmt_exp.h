// e^x as a branch-free scalar polynomial, shared by the C kernels (CKernels, CDecode) so that
// their loops vectorize without -ffast-math and every kernel rounds the same way.
#ifndef NMT_EXP_H
#define NMT_EXP_H

#include <stdint.h>
#include <string.h>

/// e^x, Cephes' single-precision polynomial after range reduction x = n·ln2 + r, |r| ≤ ln2/2
/// (relative error ≈ 2e-7). Branch-free so that loops calling it vectorize; x is clamped to
/// [-87.3, 88.3] (e^-87.3 ≈ 1.2e-38 stands for the underflow to 0).
static inline __attribute__((always_inline)) float nmt_exp(float x) {
    x = x < -87.3f ? -87.3f : x;
    x = x > 88.3f ? 88.3f : x;
    float n = __builtin_rintf(x * 1.44269504088896341f);
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return y * scale;
}

#endif
