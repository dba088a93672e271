# The harness that compare-train.sh and compare-translate.sh share (sourced, not run): the peer's
# paths, a release build of nmt, and `clean CMD...`, which runs CMD on an idle machine and sets
# $out (its stdout), $other (CPU seconds other processes took per second of the run) and $mark
# (`*` when that was over 10% of a core). Set `script` to the caller's name before sourcing.
#
# Other work on the machine spoils the figures, so before each run it waits (up to IDLE_WAIT
# seconds, default 600) until the CPUs are at least 90% idle for 3 seconds; a run where other
# processes took more than 10% of one core is repeated (at most 3 tries) unless KEEP_CONTENDED=1.
threads=2
python=${PEER_PYTHON:-/tmp/peer/bin/python}
peer=${PEER:-../shared/peers/tf_seq2seq.py}
source Benchmarks/idle.sh
[ -x "$python" ] || { echo "$script: no peer python at $python (see shared/peers/README.md)" >&2; exit 1; }
[ -f "$peer" ] || { echo "$script: no peer at $peer" >&2; exit 1; }
swift build -c release --product nmt >/dev/null
nmt=.build/release/nmt
export TF_CPP_MIN_LOG_LEVEL=3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure CMD...: runs CMD once on an idle machine; sets $out (its stdout) and $other (CPU
# seconds other processes used during the run, per second of the run).
measure() {
    local before after wall own
    wait_idle
    before=$(busy); local start; start=$(date +%s.%N)
    out=$(/usr/bin/time -f '%U %S' -o "$work/time" "$@" 2>"$work/stderr") || { cat "$work/stderr" >&2; exit 1; }
    after=$(busy); wall=$(echo "$(date +%s.%N) - $start" | bc -l)
    own=$(awk '{print $1 + $2}' "$work/time")
    other=$(echo "(($after - $before) / $hz - $own) / $wall" | bc -l)
}

clean() { # CMD...: measure until other processes took < 10% of a core (3 tries), unless KEEP_CONTENDED=1
    local try
    for try in 1 2 3; do
        measure "$@"
        mark=""
        if (( $(echo "$other > 0.1" | bc -l) )); then mark="*"; fi
        if [ -z "$mark" ] || [ "${KEEP_CONTENDED:-0}" = 1 ]; then return 0; fi
    done
    return 0
}
