#!/usr/bin/env bash
# Builds the libFuzzer targets of this package and runs each for SECONDS, growing its corpus in
# corpus/<target>/ and then minimizing it (-merge=1) so that what is committed stays small.
#
#   Tests/Fuzz/run.sh [--ci] SECONDS [TARGET...]
#
# TARGET: moses reversible bpe recipe checkpoint score translate serve (default: all, one after another).
# --ci: fuzz from the committed corpus without changing it (new inputs go to a scratch folder).
# A crash, a timeout (10 s an input) or a run past its memory limit is kept as
# crashes/<target>-<kind>-<sha1> and makes the script exit 1 once every target has run.
# Environment: NMT_FUZZ_JOBS=N runs N targets at once (default 1); NMT_FUZZ_SANITIZE=fuzzer
# builds without AddressSanitizer (default fuzzer,address).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

ci=0
if [ "${1:-}" = "--ci" ]; then ci=1; shift; fi
seconds="${1:?usage: run.sh [--ci] SECONDS [TARGET...]}"
shift
all=(moses reversible bpe recipe checkpoint score translate serve)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

binary() { case "$1" in
    moses) echo FuzzMoses;; reversible) echo FuzzReversible;; bpe) echo FuzzBPE;; recipe) echo FuzzRecipe;;
    checkpoint) echo FuzzCheckpoint;; score) echo FuzzScore;; translate) echo FuzzTranslate;; serve) echo FuzzServe;;
    *) echo "run.sh: unknown target '$1' (targets: ${all[*]})" >&2; exit 2;;
esac; }
# The longest input of each target, in bytes: enough for several lines, a recipe or a small
# checkpoint, short enough that each input runs in milliseconds.
max_len() { case "$1" in checkpoint) echo 8192;; translate) echo 2048;; *) echo 4096;; esac; }
for target in "${targets[@]}"; do binary "$target" >/dev/null || exit 2; done

# Not `swift build --sanitize fuzzer --sanitize address`: the driver keeps only the last
# -sanitize flag it is given, and Swift code then gets no coverage instrumentation at all; the
# --sanitize fuzzer before it only tells SwiftPM that libFuzzer supplies `main`.
sanitize="${NMT_FUZZ_SANITIZE:-fuzzer,address}"
build=(swift build -c release --sanitize fuzzer -Xswiftc "-sanitize=$sanitize" -Xcc "-fsanitize=${sanitize/fuzzer/fuzzer-no-link}")
"${build[@]}" || { echo "run.sh: the fuzz targets did not build" >&2; exit 1; }
bin="$("${build[@]}" --show-bin-path)"

repo="$(cd ../.. && pwd)"
# A new corpus starts from a few small real inputs.
seed() {
    local target="$1" dir="corpus/$1"
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir")" ] && return
    local corpus="$repo/corpora/ddtp-en-fr"
    case "$target" in
        moses|reversible|translate)
            for file in train.en train.fr dev.en dev.fr; do
                for start in 1 200 4000; do sed -n "${start},$((start + 2))p" "$corpus/$file" > "$dir/$file-$start"; done
            done
            printf 'l’image d’un « homme » qu’il a vu\u00a0!\n\tx  y \u00a0\n' > "$dir/spaces"
            printf 'Wait... U.S.A. 5,300.50 (a,b) --- ￭ ％00A0 DOTDOTMULTI\n' > "$dir/marks";;
        bpe)
            for codes in tiny v01 whitespace duplicates prune; do
                { cat "$repo/Tests/Fixtures/bpe/$codes.codes"; printf '\0'; head -c 600 "$repo/Tests/Fixtures/bpe/prune.tok"; } > "$dir/$codes"
            done;;
        recipe) cp "$repo/recipes/tiny.yaml" "$repo/recipes/en-fr.yaml" "$dir/";;
        checkpoint) NMT_FUZZ_SEED="$dir" "$bin/FuzzCheckpoint";;
        score)
            for case in basic two_references bom_and_crlf cjk empty_hypothesis_lines whitespace; do
                local fixture="$repo/Tests/Fixtures/score/$case"
                { printf '\x0%d' $((RANDOM % 8)); head -n 8 "$fixture/hyp.txt"; printf '\0'; head -n 8 "$fixture/ref1.txt"
                  if [ -f "$fixture/ref2.txt" ]; then printf '\0'; head -n 8 "$fixture/ref2.txt"; fi; } > "$dir/$case"
            done;;
    esac
}

mkdir -p crashes
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export SWIFT_BACKTRACE=enable=no        # the fatal error's message is enough, and quicker
export ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"

run_target() {
    local target="$1" program="$bin/$(binary "$1")" log="$scratch/$1.log"
    seed "$target"
    local options=(-max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10
                   -rss_limit_mb=2048 -malloc_limit_mb=1024 -detect_leaks=0 -print_final_stats=1
                   -artifact_prefix="crashes/$target-")
    [ -f "dict/$target.dict" ] && options+=(-dict="dict/$target.dict")
    local status
    if [ $ci = 1 ]; then
        mkdir -p "$scratch/$target.new"
        "$program" "${options[@]}" "$scratch/$target.new" "corpus/$target" > "$log" 2>&1
        status=$?
    else
        "$program" "${options[@]}" "corpus/$target" > "$log" 2>&1
        status=$?
        # Keep the smallest set of inputs that covers what the corpus covers.
        mkdir -p "$scratch/$target.min"
        if "$program" -merge=1 -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
                "$scratch/$target.min" "corpus/$target" >> "$log" 2>&1; then
            rm -rf "corpus/$target" && mv "$scratch/$target.min" "corpus/$target"
        fi
    fi
    local runs; runs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | head -n 1 | grep -o '[0-9]*$')"
    local files; files="$(ls "corpus/$target" | wc -l)"
    local size; size="$(( ($(cat "corpus/$target"/* 2>/dev/null | wc -c) + 1023) / 1024 ))"
    local result=ok
    if [ $status -ne 0 ]; then
        result="FAILED (status $status)"
        echo "--- $target: the fuzzer's last lines ($log):" >&2
        grep -v '^#' "$log" | tail -n 30 >&2
    fi
    printf '%-11s %6ss %12s executions %5s corpus files %6s KB  %s\n' \
        "$target" "$seconds" "${runs:-?}" "$files" "$size" "$result" | tee -a "$scratch/summary"
    [ $status -eq 0 ]
}

jobs="${NMT_FUZZ_JOBS:-1}"
failed=0
running=0
for target in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then wait -n || failed=1; running=$((running - 1)); fi
    run_target "$target" &
    running=$((running + 1))
done
while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
echo "fuzzing summary:"; cat "$scratch/summary"
if [ $failed -ne 0 ]; then echo "run.sh: a fuzz target failed; its input is in Tests/Fuzz/crashes/" >&2; exit 1; fi
