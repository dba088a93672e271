#!/usr/bin/env bash
# Decoding in int8 (oneDNN) against fp32 (OpenBLAS) in one run: `nmt bench translate` on S and M
# at beam 1 and 5, alternating, the median sentences/s of each and the ratio; then, given a model
# directory and a test set, the test BLEU of both precisions at beam 5.
#   bash Benchmarks/compare-precision.sh [N] [MODEL SOURCE REFERENCE]     (SENTENCES=640 a run)
# Each run waits until the CPUs are idle (Benchmarks/idle.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
source Benchmarks/idle.sh
swift build -c release --product nmt >/dev/null
nmt=.build/release/nmt
printf '%-10s %14s %14s %6s %12s %12s\n' setting "fp32 sent/s" "int8 sent/s" ratio "fp32 RSS MB" "int8 RSS MB"
for setting in "S 1" "S 5" "M 1" "M 5"; do
    read -r config beam <<< "$setting"
    fp32=(); int8=(); rss32=(); rss8=()
    for _ in $(seq "$runs"); do
        wait_idle
        out=$("$nmt" bench translate --config "$config" --beam "$beam" --sentences "${SENTENCES:-640}" --threads 2 --precision fp32)
        fp32+=("$(field sentences_per_second <<< "$out")"); rss32+=("$(field peak_rss_mb <<< "$out")")
        wait_idle
        out=$("$nmt" bench translate --config "$config" --beam "$beam" --sentences "${SENTENCES:-640}" --threads 2 --precision int8)
        int8+=("$(field sentences_per_second <<< "$out")"); rss8+=("$(field peak_rss_mb <<< "$out")")
    done
    a=$(printf "%s\n" "${fp32[@]}" | median); b=$(printf "%s\n" "${int8[@]}" | median)
    printf '%-10s %14.1f %14.1f %6.2f %12.0f %12.0f\n' "$config b$beam" "$a" "$b" "$(echo "$b / $a" | bc -l)" \
        "$(printf "%s\n" "${rss32[@]}" | median)" "$(printf "%s\n" "${rss8[@]}" | median)"
done
if [ $# -ge 4 ]; then
    model=$2 source=$3 reference=$4 work=$(mktemp -d)
    for precision in fp32 int8; do
        wait_idle
        start=$(date +%s.%N)
        "$nmt" translate --model "$model" --input "$source" --output "$work/$precision.hyp" --beam 5 --precision "$precision" --quiet
        seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
        printf '%s: test BLEU %s (beam 5), %.1f s\n' "$precision" "$("$nmt" score --ref "$reference" --hyp "$work/$precision.hyp" | awk '{print $3}')" "$seconds"
    done
    rm -rf "$work"
fi
