#include "CDNNL.h"

#include <math.h>
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// libgomp's, which oneDNN (Debian's build) runs its threads on; per calling thread.
extern void omp_set_num_threads(int);

static dnnl_engine_t engine;
static int engine_ready;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void make_engine(void) {
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return;
    engine_ready = 1;
}

int nmt_dnnl_cpu_features(void) {
    pthread_once(&engine_once, make_engine);
    if (!engine_ready) return 0;
    unsigned isa = (unsigned)dnnl_get_effective_cpu_isa();
    int features = 0;
    if ((isa & dnnl_cpu_isa_avx2) == dnnl_cpu_isa_avx2) features |= 1;
    if ((isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16) features |= 2;
    if ((isa & dnnl_cpu_isa_avx512_core_vnni) == dnnl_cpu_isa_avx512_core_vnni ||
        (isa & dnnl_cpu_isa_avx2_vnni) == dnnl_cpu_isa_avx2_vnni) features |= 4;
    return features;
}

struct nmt_int8_weights {
    int K, N;
    int8_t *values;          // q[n·K + k]
    float *scales;           // [N]
    int32_t *sums;           // Σ_k q[n·K + k] [N]: what a zero point adds to each sum
    dnnl_memory_desc_t weights_md;
    dnnl_memory_t weights_memory;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t primitive;
};

struct nmt_int8_scratch {
    dnnl_stream_t stream;    // a stream is not to be shared between threads: one per scratch
    size_t a_bytes, sums_bytes, rows;
    uint8_t *a;
    int32_t *sums;
    float *scales;
    int32_t *zeros;
};

void nmt_int8_weights_destroy(nmt_int8_weights *w) {
    if (w == NULL) return;
    if (w->primitive) dnnl_primitive_destroy(w->primitive);
    if (w->pd) dnnl_primitive_desc_destroy(w->pd);
    if (w->weights_memory) dnnl_memory_destroy(w->weights_memory);
    free(w->values); free(w->scales); free(w->sums);
    free(w);
}

nmt_int8_weights *nmt_int8_weights_create(int K, int N, const float *w, long k_stride, long n_stride) {
    pthread_once(&engine_once, make_engine);
    if (!engine_ready || K <= 0 || N <= 0) return NULL;
    nmt_int8_weights *q = calloc(1, sizeof *q);
    if (q == NULL) return NULL;
    q->K = K; q->N = N;
    q->values = malloc((size_t)K * N);
    q->scales = malloc(sizeof(float) * N);
    q->sums = malloc(sizeof(int32_t) * N);
    if (!q->values || !q->scales || !q->sums) { nmt_int8_weights_destroy(q); return NULL; }
    for (int n = 0; n < N; n++) {
        float largest = 0;
        for (int k = 0; k < K; k++) largest = fmaxf(largest, fabsf(w[k * k_stride + n * n_stride]));
        // An all-zero output: any scale gives q = 0.
        float scale = largest > 0 ? largest / 127 : 1, inverse = 1 / scale;
        int32_t sum = 0;
        int8_t *row = q->values + (size_t)n * K;
        for (int k = 0; k < K; k++) {
            float v = nearbyintf(w[k * k_stride + n * n_stride] * inverse);
            v = fminf(127, fmaxf(-127, v));
            row[k] = (int8_t)v;
            sum += row[k];
        }
        q->scales[n] = scale;
        q->sums[n] = sum;
    }
    // The product u8 [M, K] · s8 [K, N] → s32 [M, N]; M is given at each call.
    dnnl_memory_desc_t src_md, dst_md;
    dnnl_dims_t src_dims = {DNNL_RUNTIME_DIM_VAL, K}, weight_dims = {K, N}, dst_dims = {DNNL_RUNTIME_DIM_VAL, N};
    dnnl_matmul_desc_t desc;
    if (dnnl_memory_desc_init_by_tag(&src_md, 2, src_dims, dnnl_u8, dnnl_ab) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&q->weights_md, 2, weight_dims, dnnl_s8, dnnl_ba) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&dst_md, 2, dst_dims, dnnl_s32, dnnl_ab) != dnnl_success ||
        dnnl_matmul_desc_init(&desc, &src_md, &q->weights_md, NULL, &dst_md) != dnnl_success ||
        dnnl_primitive_desc_create(&q->pd, &desc, NULL, engine, NULL) != dnnl_success ||
        dnnl_primitive_create(&q->primitive, q->pd) != dnnl_success ||
        dnnl_memory_create(&q->weights_memory, &q->weights_md, engine, q->values) != dnnl_success) {
        nmt_int8_weights_destroy(q);
        return NULL;
    }
    return q;
}

int nmt_int8_weights_rows(const nmt_int8_weights *w) { return w->K; }
int nmt_int8_weights_columns(const nmt_int8_weights *w) { return w->N; }
const float *nmt_int8_weights_scales(const nmt_int8_weights *w) { return w->scales; }
const int8_t *nmt_int8_weights_values(const nmt_int8_weights *w) { return w->values; }

nmt_int8_scratch *nmt_int8_scratch_create(void) {
    pthread_once(&engine_once, make_engine);
    if (!engine_ready) return NULL;
    nmt_int8_scratch *s = calloc(1, sizeof *s);
    if (s == NULL) return NULL;
    if (dnnl_stream_create(&s->stream, engine, dnnl_stream_default_flags) != dnnl_success) { free(s); return NULL; }
    return s;
}

void nmt_int8_scratch_destroy(nmt_int8_scratch *s) {
    if (s == NULL) return;
    if (s->stream) dnnl_stream_destroy(s->stream);
    free(s->a); free(s->sums); free(s->scales); free(s->zeros);
    free(s);
}

/// Grows `*buffer` to `bytes`; 0 when memory runs out.
static int reserve(void **buffer, size_t *capacity, size_t bytes) {
    if (*capacity >= bytes) return 1;
    void *grown = realloc(*buffer, bytes);
    if (grown == NULL) return 0;
    *buffer = grown;
    *capacity = bytes;
    return 1;
}

void nmt_int8_quantize_rows(int M, int K, const float *a, long lda, int levels, uint8_t *q, float *scale, int32_t *zero) {
    for (int m = 0; m < M; m++) {
        const float *row = a + m * lda;
        // The range [lo, hi] holds 0, so that zero is exact (the zero point).
        float lo = 0, hi = 0;
        for (int k = 0; k < K; k++) { lo = fminf(lo, row[k]); hi = fmaxf(hi, row[k]); }
        float s = hi > lo ? (hi - lo) / (float)levels : 1, inverse = 1 / s;
        float z = fminf((float)levels, fmaxf(0, nearbyintf(-lo * inverse)));
        uint8_t *out = q + (size_t)m * K;
        for (int k = 0; k < K; k++) {
            float v = nearbyintf(row[k] * inverse) + z;
            out[k] = (uint8_t)fminf((float)levels, fmaxf(0, v));
        }
        scale[m] = s;
        zero[m] = (int32_t)z;
    }
}

int nmt_int8_multiply(const nmt_int8_weights *w, nmt_int8_scratch *s, int M, const float *a, long lda,
                      float *c, long ldc, float beta, int levels, int threads) {
    if (M <= 0) return 0;
    const int K = w->K, N = w->N;
    size_t rows_bytes = sizeof(float) * (size_t)M;
    if (!reserve((void **)&s->a, &s->a_bytes, (size_t)M * K) ||
        !reserve((void **)&s->sums, &s->sums_bytes, sizeof(int32_t) * (size_t)M * N)) return dnnl_out_of_memory;
    if (s->rows < (size_t)M) {
        float *scales = realloc(s->scales, rows_bytes);
        if (scales == NULL) return dnnl_out_of_memory;
        s->scales = scales;
        int32_t *zeros = realloc(s->zeros, sizeof(int32_t) * (size_t)M);
        if (zeros == NULL) return dnnl_out_of_memory;
        s->zeros = zeros;
        s->rows = (size_t)M;
    }
    nmt_int8_quantize_rows(M, K, a, lda, levels, s->a, s->scales, s->zeros);

    dnnl_memory_desc_t src_md, dst_md;
    dnnl_dims_t src_dims = {M, K}, dst_dims = {M, N};
    dnnl_memory_t src, dst;
    dnnl_status_t status;
    if ((status = dnnl_memory_desc_init_by_tag(&src_md, 2, src_dims, dnnl_u8, dnnl_ab)) != dnnl_success ||
        (status = dnnl_memory_desc_init_by_tag(&dst_md, 2, dst_dims, dnnl_s32, dnnl_ab)) != dnnl_success) return status;
    if ((status = dnnl_memory_create(&src, &src_md, engine, s->a)) != dnnl_success) return status;
    if ((status = dnnl_memory_create(&dst, &dst_md, engine, s->sums)) != dnnl_success) { dnnl_memory_destroy(src); return status; }
    omp_set_num_threads(threads > 0 ? threads : 1);
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w->weights_memory}, {DNNL_ARG_DST, dst}};
    status = dnnl_primitive_execute(w->primitive, s->stream, 3, args);
    if (status == dnnl_success) status = dnnl_stream_wait(s->stream);
    dnnl_memory_destroy(src);
    dnnl_memory_destroy(dst);
    if (status != dnnl_success) return status;

    // â·Ŵ = s_a[m]·s_w[n]·Σ_k (q_a − z_m)·q_w = s_a[m]·s_w[n]·(sum[m,n] − z_m·Σ_k q_w[n, k]).
    for (int m = 0; m < M; m++) {
        const int32_t *sums = s->sums + (size_t)m * N;
        const int32_t zero = s->zeros[m];
        const float scale = s->scales[m];
        float *out = c + m * ldc;
        if (beta == 0) {
            for (int n = 0; n < N; n++) out[n] = scale * w->scales[n] * (float)(sums[n] - zero * w->sums[n]);
        } else {
            for (int n = 0; n < N; n++) out[n] = beta * out[n] + scale * w->scales[n] * (float)(sums[n] - zero * w->sums[n]);
        }
    }
    return 0;
}
