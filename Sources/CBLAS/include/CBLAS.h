// OpenBLAS's CBLAS interface for Swift. Every matrix product of the toolkit goes
// through cblas_sgemm / cblas_sgemv; the thread count is set once at start-up.
#ifndef NMT_CBLAS_H
#define NMT_CBLAS_H

#include <cblas.h>

/// Number of threads OpenBLAS uses for one call.
static inline void nmt_blas_set_threads(int threads) { openblas_set_num_threads(threads); }
static inline int nmt_blas_threads(void) { return openblas_get_num_threads(); }

#endif
