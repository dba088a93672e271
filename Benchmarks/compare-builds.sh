#!/usr/bin/env bash
# Two builds of nmt side by side, for a change that must not be slower: `nmt bench train` (S full,
# M sampled) and `nmt bench translate` (S and M, beam 1 and 5), the two binaries alternating,
# N runs each; prints the median of each and the ratio AFTER / BEFORE (above 1: AFTER is faster).
#   bash Benchmarks/compare-builds.sh BEFORE AFTER [N]      (N defaults to 3)
# e.g. a release build of the old commit copied aside, and .build/release/nmt. Run it on an idle
# machine: it waits (up to IDLE_WAIT seconds, default 600) until the CPUs are 90% idle for 3 s
# before each run.
set -euo pipefail
before=$(realpath "${1:?usage: compare-builds.sh BEFORE AFTER [N]}")
after=$(realpath "${2:?usage: compare-builds.sh BEFORE AFTER [N]}")
runs=${3:-3}
script=compare-builds.sh
cd "$(dirname "$0")/.."
source Benchmarks/idle.sh

printf '%-22s %14s %14s %7s\n' benchmark before after ratio
while IFS='|' read -r name metric args; do
    b=(); a=(); log=""
    for _ in $(seq "$runs"); do
        for side in before after; do
            binary=$before; [ "$side" = after ] && binary=$after
            wait_idle
            # shellcheck disable=SC2086
            value=$("$binary" bench $args --threads 2 | field "$metric")
            if [ "$side" = before ]; then b+=("$value"); else a+=("$value"); fi
            log+=" $side $(printf '%.1f' "$value")"
        done
    done
    mb=$(printf '%s\n' "${b[@]}" | median); ma=$(printf '%s\n' "${a[@]}" | median)
    printf '%-22s %14.1f %14.1f %6.3fx\n' "$name" "$mb" "$ma" "$(echo "$ma / $mb" | bc -l)"
    echo "  runs ($metric):$log"
done <<'LIST'
train S full|tokens_per_second|train --config S --loss full --steps 20
train M sampled|tokens_per_second|train --config M --loss sampled --steps 10
translate S beam 1|sentences_per_second|translate --config S --beam 1 --sentences 640
translate S beam 5|sentences_per_second|translate --config S --beam 5 --sentences 640
translate M beam 1|sentences_per_second|translate --config M --beam 1 --sentences 640
translate M beam 5|sentences_per_second|translate --config M --beam 5 --sentences 640
LIST
