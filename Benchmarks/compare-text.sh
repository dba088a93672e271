#!/usr/bin/env bash
# Side by side in one run, alternating: `nmt tokenize` vs sacremoses and `nmt bpe apply` vs
# subword-nmt on the shipped train files, both given the machine's cores; then `nmt prepare` of
# the shipped corpus with 16,000 merges (wall time, peak memory). Prints medians of N runs.
#   bash Benchmarks/compare-text.sh [N]      (from the repository root; N defaults to 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
venv=Tests/Fixtures/.venv/bin
[ -x "$venv/sacremoses" ] || python3 Tests/Fixtures/make_fixtures.py >/dev/null
swift build -c release --product nmt >/dev/null
nmt=.build/release/nmt
threads=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

"$nmt" tokenize --lang en --quiet < corpora/ddtp-en-fr/train.en > "$work/train.tok.en"
"$nmt" tokenize --lang fr --quiet < corpora/ddtp-en-fr/train.fr > "$work/train.tok.fr"
"$nmt" bpe learn --merges 16000 --input "$work/train.tok.en" "$work/train.tok.fr" --output "$work/codes" --quiet

report() { # name lines ours theirs
    printf '%-28s ours %9.0f lines/s   reference %8.0f lines/s   ratio %5.1fx\n' "$1" \
        "$(echo "$2 / $3" | bc -l)" "$(echo "$2 / $4" | bc -l)" "$(echo "$4 / $3" | bc -l)"
}

for lang in en fr; do
    file=corpora/ddtp-en-fr/train.$lang
    lines=$(wc -l < "$file")
    ours=(); theirs=()
    for _ in $(seq "$runs"); do
        ours+=("$(seconds sh -c "$nmt tokenize --lang $lang --quiet < $file")")
        theirs+=("$(seconds sh -c "$venv/sacremoses -q -l $lang -j $threads tokenize < $file")")
    done
    report "tokenize train.$lang" "$lines" "$(printf '%s\n' "${ours[@]}" | median)" "$(printf '%s\n' "${theirs[@]}" | median)"
done
for lang in en fr; do
    lines=$(wc -l < "$work/train.tok.$lang")
    ours=(); theirs=()
    for _ in $(seq "$runs"); do
        ours+=("$(seconds sh -c "$nmt bpe apply --codes $work/codes --quiet < $work/train.tok.$lang")")
        theirs+=("$(seconds "$venv/subword-nmt" apply-bpe -c "$work/codes" -i "$work/train.tok.$lang" --num-workers "$threads")")
    done
    report "bpe apply train.$lang" "$lines" "$(printf '%s\n' "${ours[@]}" | median)" "$(printf '%s\n' "${theirs[@]}" | median)"
done
learn=(); prep=(); rss=()
for _ in $(seq "$runs"); do
    learn+=("$(seconds "$nmt" bpe learn --merges 16000 --input "$work/train.tok.en" "$work/train.tok.fr" --output "$work/codes2" --quiet)")
    out=$( { /usr/bin/time -f '%e %M' "$nmt" prepare --corpus corpora/ddtp-en-fr --out "$work/prepared" --bpe-merges 16000 --force --quiet; } 2>&1 | tail -1)
    prep+=("${out% *}"); rss+=("${out#* }")
done
printf 'bpe learn 16000 merges       %.2f s (median)\n' "$(printf '%s\n' "${learn[@]}" | median)"
printf 'prepare ddtp-en-fr 16000     %.2f s, peak RSS %.0f MB (medians)\n' "$(printf '%s\n' "${prep[@]}" | median)" \
    "$(echo "$(printf '%s\n' "${rss[@]}" | median) / 1024" | bc -l)"
