#!/bin/sh
# Time and peak memory of `nmt prepare` (the recipe's data settings: reversible tokens, joint BPE
# of 16,000 merges) on corpora of growing size, made by make-large-corpus.py:
#   python3 Benchmarks/make-large-corpus.py 595000 /tmp/corpus-595k
#   python3 Benchmarks/make-large-corpus.py 10000000 /tmp/corpus-10m
#   sh Benchmarks/prepare-scaling.sh .build/release/nmt corpora/ddtp-en-fr /tmp/corpus-595k /tmp/corpus-10m
# Prints a line per corpus: pairs, seconds, peak RSS (MB), pairs kept. Outputs go to /tmp/prepared-*.
set -e
nmt=$1; shift
for corpus in "$@"; do
    out=/tmp/prepared-$(basename "$corpus")
    rm -rf "$out"
    /usr/bin/time -v "$nmt" prepare --corpus "$corpus" --out "$out" --bpe-merges 16000 --quiet 2> /tmp/prepare-time.log
    pairs=$(wc -l < "$corpus/train.en")
    seconds=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' /tmp/prepare-time.log)
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' /tmp/prepare-time.log)
    kept=$(grep -m1 '"kept"' "$out/report.json" | tr -dc 0-9)
    echo "$corpus: $pairs pairs, $seconds wall, $((rss / 1024)) MB peak RSS, $kept kept"
done
