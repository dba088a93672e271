#!/usr/bin/env bash
# Training speed side by side in one run: `nmt bench train` and the TF peer's
# `tf_seq2seq.py train` on the same synthetic batches, alternating, both on 2 threads, for
# S full, M full and M sampled. Prints the median target tokens/s and peak RSS of each side and
# the ratio ours / peer.
#   bash Benchmarks/compare-train.sh [N]      (from the repository root; N runs each, default 3)
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
script=compare-train.sh
source Benchmarks/harness.sh

printf '%-12s %6s  %12s %9s  %12s %9s  %6s\n' config steps "ours tok/s" "RSS MB" "peer tok/s" "RSS MB" ratio
for setting in "S full 40" "M full 20" "M sampled 20"; do
    read -r config loss steps <<< "$setting"
    ours=(); ours_rss=(); theirs=(); theirs_rss=(); log=""
    for _ in $(seq "$runs"); do
        clean "$nmt" bench train --config "$config" --loss "$loss" --steps "$steps" --threads "$threads"
        ours+=("$(field tokens_per_second <<< "$out")"); ours_rss+=("$(field peak_rss_mb <<< "$out")")
        log+=" ours $(printf '%.0f' "${ours[-1]}")$mark"
        clean "$python" "$peer" train --config "$config" --loss "$loss" --steps "$steps" --threads "$threads"
        theirs+=("$(field tokens_per_second <<< "$out")"); theirs_rss+=("$(field peak_rss_mb <<< "$out")")
        log+=" peer $(printf '%.0f' "${theirs[-1]}")$mark"
    done
    o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
    printf '%-12s %6d  %12.0f %9.0f  %12.0f %9.0f  %5.2fx\n' "$config $loss" "$steps" "$o" \
        "$(printf '%s\n' "${ours_rss[@]}" | median)" "$t" "$(printf '%s\n' "${theirs_rss[@]}" | median)" \
        "$(echo "$o / $t" | bc -l)"
    echo "  runs (tok/s, * = other processes took > 10% of a core meanwhile):$log"
done
