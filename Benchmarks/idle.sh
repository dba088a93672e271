# What the benchmark scripts share (sourced, not run): `wait_idle` (until the whole machine is at
# least 90% idle over 3 s, at most IDLE_WAIT seconds, default 600), `busy` (CPU ticks used so far),
# `field NAME` (a field of the last JSON line on stdin) and `median` (of numbers, one a line).
# The caller sets `script` to its name for the messages.
idle_wait=${IDLE_WAIT:-600}
hz=$(getconf CLK_TCK)

field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }     # user nice system irq softirq steal
cores() { grep -c '^cpu[0-9]' /proc/stat; }

wait_idle() {   # until the whole machine is ≥ 90% idle over 3 s
    local start=$SECONDS a b
    while (( SECONDS - start < idle_wait )); do
        a=$(busy); sleep 3; b=$(busy)
        if (( (b - a) * 100 < 3 * hz * $(cores) * 10 )); then return; fi
    done
    echo "$script: the machine stayed busy for ${idle_wait}s; measuring anyway" >&2
}

