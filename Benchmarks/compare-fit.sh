#!/usr/bin/env bash
# Quality at equal training time, side by side on this machine: `nmt train` with a recipe and
# the TF peer's `fit` for the same minutes on the same prepared files (the recipe's own, made by
# `nmt prepare`), one after the other (never at once: each gets both cores), then both decode
# test.en at beam 5 and greedily, detokenize with `nmt tokenize --detokenize` and score with
# `nmt score` against the raw test.fr.
#   bash Benchmarks/compare-fit.sh [RECIPE] [MINUTES]   (from the repository root;
#                                                        defaults recipes/en-fr.yaml, 30)
# Takes twice MINUTES plus the decoding. The peer's settings are its `fit` defaults (emb 256,
# hidden 256, 2 layers, batch 64, Adam 1e-3) with sampled softmax over 512 candidates, the
# settings of its README's figure. PEER_PYTHON defaults to /tmp/peer/bin/python, PEER to
# ../shared/peers/tf_seq2seq.py; WORK (default /tmp/compare-fit) keeps both models and outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
recipe=${1:-recipes/en-fr.yaml}
minutes=${2:-30}
python=${PEER_PYTHON:-/tmp/peer/bin/python}
peer=${PEER:-../shared/peers/tf_seq2seq.py}
work=${WORK:-/tmp/compare-fit}
[ -x "$python" ] || { echo "compare-fit.sh: no peer python at $python (see shared/peers/README.md)" >&2; exit 1; }
swift build -c release --product nmt >/dev/null
nmt=$PWD/.build/release/nmt
export TF_CPP_MIN_LOG_LEVEL=3
mkdir -p "$work"
data=$work/data
corpus=$(sed -n 's/.*corpus: *\([^,}]*\).*/\1/p' "$recipe" | head -n 1)
tokenizer=$(sed -n 's/.*tokenizer: *\([a-z]*\).*/\1/p' "$recipe" | head -n 1)
detok=(--detokenize); [ "${tokenizer:-reversible}" = reversible ] && detok+=(--reversible)

# Ours: the recipe with max_minutes replaced (its data prepared into $data).
sed "s/max_minutes: *[0-9.]*/max_minutes: $minutes/" "$recipe" > "$work/recipe.yaml"
rm -rf "$work/ours"
/usr/bin/time -v "$nmt" train --recipe "$work/recipe.yaml" --data "$data" --out "$work/ours" 2> "$work/ours-train.log"
for beam in 5 1; do
    "$nmt" translate --model "$work/ours" --input "$corpus/test.en" --beam "$beam" --output "$work/ours-b$beam.fr"
done

# The peer on the same prepared files.
rm -rf "$work/peer"
/usr/bin/time -v "$python" "$peer" fit --loss sampled --num-sampled 512 --train-src "$data/train.en" \
    --train-tgt "$data/train.fr" --src-vocab "$data/vocab.en" --tgt-vocab "$data/vocab.fr" --minutes "$minutes" \
    --out "$work/peer" > "$work/peer-fit.log" 2>&1
for beam in 5 1; do
    "$python" "$peer" decode --out "$work/peer" --input "$data/test.en" --beam "$beam" > "$work/peer-b$beam.tok"
    "$nmt" tokenize --lang fr "${detok[@]}" < "$work/peer-b$beam.tok" > "$work/peer-b$beam.fr"
done

for side in ours peer; do
    for beam in 5 1; do
        printf '%s beam %s: ' "$side" "$beam"
        "$nmt" score --ref "$corpus/test.fr" --hyp "$work/$side-b$beam.fr"
    done
done
