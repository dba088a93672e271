#!/bin/sh
# Writes expected/ (and expected-moses/): what `nmt prepare` made of corpus/ before it streamed
# (main at bb44354, .build/release/nmt), for PreparationStreamingTests to compare every file with.
# Usage: make_expected.sh NMT_BINARY   (run from this directory)
set -e
rm -rf expected expected-moses
"$1" prepare --corpus corpus --out expected --max-length 12 --bpe-merges 40 --src-vocab 30 --threads 1 --quiet
"$1" prepare --corpus corpus --out expected-moses --tokenizer moses --lowercase --max-length 12 --threads 1 --quiet
