// Lane-wise math on eight floats, for the loss and optimizer loops: what Swift cannot express
// without a libm call per lane. On Linux, Swift's
// Float.squareRoot() is sqrtf with errno semantics (sqrtss, plus a call for negative input), so a
// SIMD8<Float>.squareRoot() becomes eight scalar square roots and a loop over it never vectorizes.
// __builtin_elementwise_sqrt is LLVM's sqrt intrinsic on the whole vector (sqrtps / vsqrtps),
// correctly rounded like sqrtf. Swift imports the 8-float vector type as SIMD8<Float>, and the
// inline function is compiled into the calling Swift code.
#ifndef NMT_CVECTORMATH_H
#define NMT_CVECTORMATH_H

typedef float nmt_float8 __attribute__((ext_vector_type(8)));

/// Eight floats from `p` (any alignment).
static inline nmt_float8 nmt_load8(const float *p) { nmt_float8 x; __builtin_memcpy(&x, p, sizeof x); return x; }

/// Stores the eight lanes of `x` at `p` (any alignment).
static inline void nmt_store8(float *p, nmt_float8 x) { __builtin_memcpy(p, &x, sizeof x); }

/// The larger of each pair of lanes (a NaN lane yields the other one).
static inline nmt_float8 nmt_max8(nmt_float8 x, nmt_float8 y) { return __builtin_elementwise_max(x, y); }

/// The largest lane.
static inline float nmt_reduce_max8(nmt_float8 x) { return __builtin_reduce_max(x); }

/// The correctly rounded square root of each lane.
static inline nmt_float8 nmt_sqrt8(nmt_float8 x) { return __builtin_elementwise_sqrt(x); }

typedef int nmt_int8 __attribute__((ext_vector_type(8)));

/// Lanes of `x` where `mask` is −1 (true), `y` elsewhere.
static inline nmt_float8 nmt_select8(nmt_int8 mask, nmt_float8 x, nmt_float8 y) {
    return __builtin_bit_cast(nmt_float8, (__builtin_bit_cast(nmt_int8, x) & mask) | (__builtin_bit_cast(nmt_int8, y) & ~mask));
}

/// e^x in each lane, within 1 ulp of expf (Cephes' expf: x = n·ln 2 + r, a degree-6 polynomial in
/// r, scaled by 2^n), for softmax: exactly 0 below −87.3 (expf gives at most 1.2e-38 there), e^88.7
/// for anything above 88.7 (softmax arguments are ≤ 0), NaN for NaN. Vectorized, unlike expf; TF's
/// own softmax uses Eigen's polynomial exp in the same way.
static inline nmt_float8 nmt_exp8(nmt_float8 x) {
    const nmt_int8 tiny = x < -87.3f;
    x = nmt_select8(tiny, (nmt_float8)(-87.3f), x);
    x = nmt_select8(x > 88.7f, (nmt_float8)(88.7f), x);
    const nmt_float8 magic = (nmt_float8)(12582912.0f);    // 1.5·2^23: adding it rounds to an integer
    nmt_float8 t = x * 1.44269504088896341f + magic;
    nmt_float8 n = t - magic;
    nmt_float8 r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    nmt_float8 p = (nmt_float8)(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    nmt_int8 bits = (__builtin_bit_cast(nmt_int8, t) - __builtin_bit_cast(nmt_int8, magic) + 127) << 23;
    return nmt_select8(tiny, (nmt_float8)(0.0f), p * __builtin_bit_cast(nmt_float8, bits));
}

#endif
