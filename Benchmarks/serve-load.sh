#!/usr/bin/env bash
# `nmt serve` under load beside `nmt translate`, in one run: wrk (Debian's) sends single-sentence
# LibreTranslate requests, cycling through test sentences, at 1, 8, 32 and 128 concurrent
# connections; then `nmt translate` decodes the same sentences as one file. Prints sentences/s and
# p50/p99 latency per level, the ratio to `nmt translate`, and the server's resident memory idle
# and at its peak.
#   bash Benchmarks/serve-load.sh [MODEL_DIR] [SECONDS_PER_LEVEL]
# MODEL_DIR defaults to models/en-fr (the shipped recipe's model, `bash .ci/main` trains it), else
# the test fixture's small model; SECONDS_PER_LEVEL to 20. WAIT_MS (default 10) is --max-wait-ms.
# wrk and the server share the machine's cores, as a client on the same host would.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-models/en-fr}
[ -d "$model" ] || { echo "serve-load.sh: no $model; using the test fixture's model" >&2; model=Tests/Fixtures/translation/general; }
seconds=${2:-20}
command -v wrk >/dev/null || { echo "serve-load.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product nmt >/dev/null
nmt=.build/release/nmt
work=$(mktemp -d)
awk 'NF && n++ < 512' corpora/ddtp-en-fr/test.en > "$work/sentences.en"
cat > "$work/load.lua" <<'LUA'
local bodies = {}
for line in io.lines(os.getenv("SENTENCES")) do
  local text = line:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\t', '\\t')
  bodies[#bodies + 1] = '{"q": "' .. text .. '", "source": "en", "target": "fr"}'
end
local next = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  next = next % #bodies + 1
  return wrk.format(nil, "/translate", nil, bodies[next])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.1f %.1f\n", summary.requests, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
"$nmt" serve --model "$model" --port 0 --quiet --max-wait-ms "${WAIT_MS:-10}" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 600); do grep -q "listening on" "$work/server.log" && break; sleep 0.1; done
url=$(grep -o "http://127.0.0.1:[0-9]*" "$work/server.log" | head -1)
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$server/status"; }
peak() { awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$server/status"; }
idle=$(rss)
echo "model $model; $(wc -l < "$work/sentences.en") sentences cycled; ${seconds}s per level"
printf '%8s %14s %9s %9s %8s %14s\n' clients sentences/s "p50 ms" "p99 ms" errors "vs translate"
start=$(date +%s.%N)
"$nmt" translate --model "$model" --input "$work/sentences.en" --output "$work/out.fr" --quiet
translate=$(echo "$(wc -l < "$work/sentences.en") / ($(date +%s.%N) - $start)" | bc -l)
for clients in 1 8 32 128; do
    threads=$(( clients < 2 ? 1 : 2 ))
    read -r _ requests errors micros p50 p99 < <(SENTENCES="$work/sentences.en" wrk -t"$threads" -c"$clients" -d"${seconds}s" \
        --timeout 30s -s "$work/load.lua" "$url" | grep '^RESULT')
    rate=$(echo "$requests / ($micros / 1000000)" | bc -l)
    printf '%8d %14.1f %9.1f %9.1f %8d %13.2fx\n' "$clients" "$rate" "$p50" "$p99" "$errors" "$(echo "$rate / $translate" | bc -l)"
done
printf 'nmt translate on the same sentences: %.1f sentences/s\n' "$translate"
echo "server resident memory: idle $idle MB, peak $(peak) MB"
