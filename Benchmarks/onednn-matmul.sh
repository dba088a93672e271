#!/usr/bin/env bash
# Builds and runs Benchmarks/onednn-matmul.c: one product's GFLOPS in fp32 (OpenBLAS and oneDNN),
# int8 and bf16 (oneDNN), at nmt's shapes, on THREADS threads (default 2). Needs libdnnl-dev and
# libopenblas-dev (Debian). Run it on an idle machine: medians of 15 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f /usr/include/oneapi/dnnl/dnnl.h ] || { echo "onednn-matmul.sh: needs oneDNN (apt-get install libdnnl-dev)" >&2; exit 1; }
threads=${THREADS:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 -o "$out/onednn-matmul" Benchmarks/onednn-matmul.c -ldnnl -lopenblas
OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads "$out/onednn-matmul"
