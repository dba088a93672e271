// The ceiling for reduced precision on this CPU: GFLOPS of one product C[M,N] = A[M,K]·B[K,N] in
// fp32 (OpenBLAS, nmt's engine, and oneDNN), int8 (u8 × s8 → s32, oneDNN) and bf16 (oneDNN, where
// the CPU has it), at the shapes of nmt's decoder and training steps. Issue 15 quotes nmt's
// reduced-precision products beside these. Build and run: bash Benchmarks/onednn-matmul.sh
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define CHECK(call) do { dnnl_status_t s_ = (call); if (s_ != dnnl_success) { return -(int)s_; } } while (0)

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/// Median seconds of `runs` products in oneDNN at `type` (u8 source for s8), or a negative status.
static double onednn(dnnl_engine_t engine, dnnl_stream_t stream, int M, int N, int K, dnnl_data_type_t type, int runs, int *status) {
    dnnl_data_type_t src_t = type == dnnl_s8 ? dnnl_u8 : type, wei_t = type, dst_t = type == dnnl_s8 ? dnnl_s32 : dnnl_f32;
    dnnl_memory_desc_t src_md, wei_md, dst_md;
    dnnl_dims_t sd = {M, K}, wd = {K, N}, dd = {M, N};
    *status = 0;
    if (dnnl_memory_desc_init_by_tag(&src_md, 2, sd, src_t, dnnl_ab) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&wei_md, 2, wd, wei_t, dnnl_ba) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&dst_md, 2, dd, dst_t, dnnl_ab) != dnnl_success) { *status = 1; return -1; }
    dnnl_matmul_desc_t desc;
    if (dnnl_matmul_desc_init(&desc, &src_md, &wei_md, NULL, &dst_md) != dnnl_success) { *status = 2; return -1; }
    dnnl_primitive_desc_t pd;
    dnnl_status_t s = dnnl_primitive_desc_create(&pd, &desc, NULL, engine, NULL);
    if (s != dnnl_success) { *status = (int)s; return -1; }
    dnnl_primitive_t prim;
    dnnl_primitive_create(&prim, pd);
    size_t element = type == dnnl_f32 ? 4 : type == dnnl_bf16 ? 2 : 1;
    void *a = calloc((size_t)M * K, element), *b = calloc((size_t)K * N, element), *c = calloc((size_t)M * N, 4);
    for (size_t i = 0; i < (size_t)M * K * element; i++) ((uint8_t *)a)[i] = (uint8_t)(i * 7 % 61);
    for (size_t i = 0; i < (size_t)K * N * element; i++) ((uint8_t *)b)[i] = (uint8_t)(i * 13 % 59);
    dnnl_memory_t am, bm, cm;
    dnnl_memory_create(&am, &src_md, engine, a);
    dnnl_memory_create(&bm, &wei_md, engine, b);
    dnnl_memory_create(&cm, &dst_md, engine, c);
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}};
    double times[64];
    for (int r = -3; r < runs; r++) {
        double t0 = now();
        dnnl_primitive_execute(prim, stream, 3, args);
        dnnl_stream_wait(stream);
        if (r >= 0) times[r] = now() - t0;
    }
    qsort(times, runs, sizeof(double), cmp_double);
    dnnl_memory_destroy(am); dnnl_memory_destroy(bm); dnnl_memory_destroy(cm);
    dnnl_primitive_destroy(prim); dnnl_primitive_desc_destroy(pd);
    free(a); free(b); free(c);
    return times[runs / 2];
}

static double openblas(int M, int N, int K, int runs) {
    float *a = malloc(sizeof(float) * M * K), *b = malloc(sizeof(float) * K * N), *c = malloc(sizeof(float) * M * N);
    for (long i = 0; i < (long)M * K; i++) a[i] = (float)(i % 17) * 0.01f;
    for (long i = 0; i < (long)K * N; i++) b[i] = (float)(i % 13) * 0.01f;
    double times[64];
    for (int r = -3; r < runs; r++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1, a, K, b, K, 0, c, N);
        if (r >= 0) times[r] = now() - t0;
    }
    qsort(times, runs, sizeof(double), cmp_double);
    free(a); free(b); free(c);
    return times[runs / 2];
}

int main(void) {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) { fprintf(stderr, "no oneDNN CPU engine\n"); return 1; }
    dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    const dnnl_version_t *v = dnnl_version();
    printf("oneDNN %d.%d.%d, effective ISA %d (dnnl_cpu_isa_t; avx2 = %d, avx512_core = %d, avx512_core_bf16 = %d)\n",
           v->major, v->minor, v->patch, (int)dnnl_get_effective_cpu_isa(), (int)dnnl_cpu_isa_avx2,
           (int)dnnl_cpu_isa_avx512_core, (int)dnnl_cpu_isa_avx512_core_bf16);
    // M rows × K inputs · N outputs: decoder logits (batch 64 × beam 5, H 256, Vt 20k), an LSTM
    // layer's gates (rows × [input + H] · 4H), and a training step's logits (batch 128 × 25 positions).
    struct { const char *what; int M, N, K; } shapes[] = {
        {"decode logits 320x256 . 256x20000", 320, 20000, 256},
        {"decode gates 320x512 . 512x1024", 320, 1024, 512},
        {"train gates 3200x512 . 512x1024", 3200, 1024, 512},
        {"train logits 3200x256 . 256x20000", 3200, 20000, 256},
    };
    const int runs = 15;
    printf("%-36s %12s %12s %12s %12s\n", "shape", "fp32 OpenBLAS", "fp32 oneDNN", "int8 oneDNN", "bf16 oneDNN");
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        int M = shapes[i].M, N = shapes[i].N, K = shapes[i].K, status;
        double flops = 2.0 * M * N * K;
        printf("%-36s %9.1f GF", shapes[i].what, flops / openblas(M, N, K, runs) / 1e9);
        dnnl_data_type_t types[] = {dnnl_f32, dnnl_s8, dnnl_bf16};
        for (int t = 0; t < 3; t++) {
            double s = onednn(engine, stream, M, N, K, types[t], runs, &status);
            if (s > 0) printf(" %9.1f GF", flops / s / 1e9);
            else printf(" %12s", status == dnnl_unimplemented ? "no kernel" : "error");
        }
        printf("\n");
    }
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(engine);
    return 0;
}
