#!/usr/bin/env bash
# Resident memory of `nmt train` over a run: Benchmarks/memory.sh [MINUTES] [RECIPE]
#
# Trains RECIPE (default recipes/en-fr.yaml) for MINUTES (default 30) with the release build
# (built when missing) into a temporary directory, samples the process's VmRSS every INTERVAL
# seconds (default 30) from /proc, and prints a table `seconds rss_mb`, then the peak (VmHWM)
# and the training's last line. CSV=FILE also writes the table as CSV, LOG=FILE keeps the
# training's progress lines (its evaluations among them); NMT=PATH runs another build. The
# prepared corpus and the model are removed at the end. Memory figures need no idle machine
# (a busy one only takes fewer steps in the minutes), but run one training at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
recipe=${2:-recipes/en-fr.yaml}
interval=${INTERVAL:-30}
csv=${CSV:-}
nmt=${NMT:-.build/release/nmt}
[ -f "$recipe" ] || { echo "memory.sh: no recipe at $recipe" >&2; exit 1; }
[ -x "$nmt" ] || swift build -c release --product nmt >/dev/null

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

field() { awk -v key="$1:" '$1 == key {printf "%d", $2 / 1024}' "/proc/$pid/status" 2>/dev/null; }  # kB → MB

"$nmt" train --recipe "$recipe" --out "$work/model" --data "$work/data" --max-minutes "$minutes" 2>"$work/train.log" &
pid=$!
start=$SECONDS
next=0
peak=0
echo "seconds rss_mb" >"$work/table"
while kill -0 "$pid" 2>/dev/null; do
    now=$((SECONDS - start))
    if (( now >= next )); then
        rss=$(field VmRSS); hwm=$(field VmHWM)
        [ -n "$rss" ] && echo "$now $rss" >>"$work/table"
        [ -n "$hwm" ] && (( hwm > peak )) && peak=$hwm
        next=$((next + interval))
    fi
    # The peak is read often, so a short spike between samples still counts.
    hwm=$(field VmHWM); [ -n "$hwm" ] && (( hwm > peak )) && peak=$hwm
    sleep 1
done
status=0
wait "$pid" || status=$?
pid=

column -t "$work/table"
echo "peak (VmHWM) ${peak} MB"
tail -n 1 "$work/train.log"
if [ -n "$csv" ]; then tr ' ' ',' <"$work/table" >"$csv"; echo "wrote $csv"; fi
if [ -n "${LOG:-}" ]; then cp "$work/train.log" "$LOG"; fi
if (( status != 0 )); then echo "memory.sh: nmt train exited with status $status" >&2; cat "$work/train.log" >&2; exit 1; fi
