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

#include "nmt_exp.h"     // e^x, scalar and in eight lanes (after the types it uses)

#endif
