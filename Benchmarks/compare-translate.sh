#!/usr/bin/env bash
# Decoding speed side by side in one run: `nmt bench translate` and the TF peer's
# `tf_seq2seq.py translate` on the same kind of synthetic sources, alternating, both on 2
# threads, for S and M at beam 1 and beam 5. Prints the median sentences/s and peak RSS of each
# side and the ratio ours / peer. Ours runs twice per round: scheduled as `nmt translate` decodes
# a file (sentences sorted by length into batches of 64, each ending after ⌈2·|x|⌉ tokens: the
# headline ratio) and as the peer's loop runs (its batches, every sentence 2 × its batch's longest
# source: the same rows, step for step, `--schedule peer`).
#   bash Benchmarks/compare-translate.sh [N]      (from the repository root; N runs each, default 3)
# PRECISION=int8 (or bf16) runs ours in that precision (`--precision`; default fp32), and
# SETTINGS="S 5 640,M 5 640" picks the settings (config, beam, sentences; default all four).
# The peer needs its venv (shared/peers/README.md): PEER_PYTHON defaults to /tmp/peer/bin/python,
# PEER defaults to ../shared/peers/tf_seq2seq.py.
#
# Other work on the machine spoils the figures, so before each run the script waits (up to
# IDLE_WAIT seconds, default 600) until the CPUs are at least 90% idle for 3 seconds, and after it
# measures how much CPU time other processes took meanwhile (/proc/stat minus the run's own
# user + system time): a run where they took more than 10% of one core is marked `*` and, unless
# KEEP_CONTENDED=1, repeated (at most 3 tries) so that medians are of clean runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
script=compare-translate.sh
source Benchmarks/harness.sh

precision=${PRECISION:-fp32}
IFS=, read -r -a settings <<< "${SETTINGS:-S 1 640,S 5 640,M 1 640,M 5 640}"
echo "ours in $precision"
printf '%-10s %9s  %12s %9s  %12s %9s  %6s  %14s %6s\n' config sentences "ours sent/s" "RSS MB" "peer sent/s" "RSS MB" ratio "ours as peer" ratio
for setting in "${settings[@]}"; do
    read -r config beam sentences <<< "$setting"
    ours=(); ours_rss=(); loop=(); theirs=(); theirs_rss=(); log=""
    for _ in $(seq "$runs"); do
        clean "$nmt" bench translate --config "$config" --beam "$beam" --sentences "$sentences" --threads "$threads" --precision "$precision"
        ours+=("$(field sentences_per_second <<< "$out")"); ours_rss+=("$(field peak_rss_mb <<< "$out")")
        log+=" ours $(printf '%.1f' "${ours[-1]}")$mark"
        clean "$nmt" bench translate --config "$config" --beam "$beam" --sentences "$sentences" --threads "$threads" --precision "$precision" --schedule peer
        loop+=("$(field sentences_per_second <<< "$out")")
        log+=" ours-loop $(printf '%.1f' "${loop[-1]}")$mark"
        clean "$python" "$peer" translate --config "$config" --beam "$beam" --sentences "$sentences" --threads "$threads"
        theirs+=("$(field sentences_per_second <<< "$out")"); theirs_rss+=("$(field peak_rss_mb <<< "$out")")
        log+=" peer $(printf '%.1f' "${theirs[-1]}")$mark"
    done
    o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
    l=$(printf '%s\n' "${loop[@]}" | median)
    printf '%-10s %9d  %12.1f %9.0f  %12.1f %9.0f  %5.2fx  %14.1f %5.2fx\n' "$config b$beam" "$sentences" "$o" \
        "$(printf '%s\n' "${ours_rss[@]}" | median)" "$t" "$(printf '%s\n' "${theirs_rss[@]}" | median)" \
        "$(echo "$o / $t" | bc -l)" "$l" "$(echo "$l / $t" | bc -l)"
    echo "  runs (sentences/s, * = other processes took > 10% of a core meanwhile):$log"
done
