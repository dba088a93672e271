// OpenBLAS's CBLAS interface for Swift. Every matrix product of the toolkit goes through
// cblas_sgemm; the thread count is set once at start-up.
#ifndef NMT_CBLAS_H
#define NMT_CBLAS_H

#include <cblas.h>

/// Number of threads OpenBLAS uses for one call.
static inline void nmt_blas_set_threads(int threads) { openblas_set_num_threads(threads); }
static inline int nmt_blas_threads(void) { return openblas_get_num_threads(); }

/// True when OpenBLAS runs its AVX2 kernels on a CPU that has AVX-512 (OpenBLAS 0.3.21 does not
/// know AMD Zen 4/5 and falls back to Haswell) and OPENBLAS_CORETYPE is not set: then setting
/// OPENBLAS_CORETYPE=SkylakeX before the library loads makes every GEMM use AVX-512 kernels.
int nmt_blas_prefers_avx512_kernels(void);

#endif
