#!/usr/bin/env bash
# Training speed side by side in one run: `nmt bench train` and the TF peer's
# `tf_seq2seq.py train` on the same synthetic batches, alternating, both on 2 threads, for
# S full, M full and M sampled. Prints the median target tokens/s and peak RSS of each side and
# the ratio ours / peer. Run it on an otherwise idle machine (check `uptime`).
#   bash Benchmarks/compare-train.sh [N]      (from the repository root; N runs each, default 3)
# The peer needs its venv (shared/peers/README.md): PEER_PYTHON defaults to /tmp/peer/bin/python,
# PEER defaults to ../shared/peers/tf_seq2seq.py.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
threads=2
python=${PEER_PYTHON:-/tmp/peer/bin/python}
peer=${PEER:-../shared/peers/tf_seq2seq.py}
[ -x "$python" ] || { echo "compare-train.sh: no peer python at $python (see shared/peers/README.md)" >&2; exit 1; }
[ -f "$peer" ] || { echo "compare-train.sh: no peer at $peer" >&2; exit 1; }
swift build -c release --product nmt >/dev/null
nmt=.build/release/nmt
export TF_CPP_MIN_LOG_LEVEL=3

field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '%-12s %6s  %12s %9s  %12s %9s  %6s\n' config steps "ours tok/s" "RSS MB" "peer tok/s" "RSS MB" ratio
for setting in "S full 40" "M full 20" "M sampled 20"; do
    read -r config loss steps <<< "$setting"
    ours=(); ours_rss=(); theirs=(); theirs_rss=()
    for _ in $(seq "$runs"); do
        out=$("$nmt" bench train --config "$config" --loss "$loss" --steps "$steps" --threads "$threads")
        ours+=("$(field tokens_per_second <<< "$out")"); ours_rss+=("$(field peak_rss_mb <<< "$out")")
        out=$("$python" "$peer" train --config "$config" --loss "$loss" --steps "$steps" --threads "$threads" 2>/dev/null)
        theirs+=("$(field tokens_per_second <<< "$out")"); theirs_rss+=("$(field peak_rss_mb <<< "$out")")
    done
    o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
    printf '%-12s %6d  %12.0f %9.0f  %12.0f %9.0f  %5.2fx\n' "$config $loss" "$steps" "$o" \
        "$(printf '%s\n' "${ours_rss[@]}" | median)" "$t" "$(printf '%s\n' "${theirs_rss[@]}" | median)" \
        "$(echo "$o / $t" | bc -l)"
    echo "  ours: ${ours[*]}   peer: ${theirs[*]}"
done
