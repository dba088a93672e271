#include "CBLAS.h"

#include <stdlib.h>
#include <string.h>

int nmt_blas_prefers_avx512_kernels(void) {
#if defined(__x86_64__)
    if (getenv("OPENBLAS_CORETYPE") != NULL) return 0;
    const char *core = openblas_get_corename();
    if (core == NULL) return 0;
    if (strcasecmp(core, "Haswell") != 0 && strcasecmp(core, "Zen") != 0) return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#else
    return 0;
#endif
}
