#!/usr/bin/env bash
# Data-parallel training on this machine's cores: one process on 2 BLAS threads against
# `mpirun -np 2` ranks on 1 thread each (each rank half of every batch), `nmt bench train` on
# config S (full softmax) and M (sampled), alternating; prints the median tokens/s of each, the
# ratio, and the ranks' per-step compute, allreduce and wait seconds and bytes (medians).
#   bash Benchmarks/compare-ranks.sh [N]       (N runs each, default 3; root runs mpirun as root)
# Each run waits until the CPUs are idle (Benchmarks/idle.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
source Benchmarks/idle.sh
swift build -c release --product nmt >/dev/null
nmt=.build/release/nmt
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
printf '%-10s %16s %16s %6s  %10s %10s %10s %12s\n' setting "1×2 tok/s" "2×1 tok/s" ratio compute_s allreduce_s wait_s bytes
for setting in "S full 20" "M sampled 6"; do
    read -r config loss steps <<< "$setting"
    one=(); two=(); compute=(); allreduce=(); waited=(); bytes=0
    for _ in $(seq "$runs"); do
        wait_idle
        out=$("$nmt" bench train --config "$config" --loss "$loss" --steps "$steps" --threads 2)
        one+=("$(field tokens_per_second <<< "$out")")
        wait_idle
        out=$(mpirun --oversubscribe -np 2 --bind-to none "$nmt" bench train --config "$config" --loss "$loss" --steps "$steps" --threads 1)
        two+=("$(field tokens_per_second <<< "$out")")
        compute+=("$(field compute_seconds <<< "$out")"); allreduce+=("$(field allreduce_seconds <<< "$out")")
        waited+=("$(field allreduce_wait_seconds <<< "$out")"); bytes=$(field allreduce_bytes <<< "$out")
    done
    a=$(printf "%s\n" "${one[@]}" | median); b=$(printf "%s\n" "${two[@]}" | median)
    printf '%-10s %16.0f %16.0f %6.2f  %10.3f %10.3f %10.3f %12d\n' "$config $loss" "$a" "$b" "$(echo "$b / $a" | bc -l)" \
        "$(printf "%s\n" "${compute[@]}" | median)" "$(printf "%s\n" "${allreduce[@]}" | median)" "$(printf "%s\n" "${waited[@]}" | median)" "$bytes"
done
