#!/usr/bin/env bash
# Makes the fixture that `Tests/TranslationTests/FixtureModelTests.swift` checks, with the nmt of
# commit 12f1b18 (before issue 12's decoder-step redesign), so that any later build can be held to
# it: two small models and their translations of input.en at beam 1, beam 5 and 3-best, and the
# train perplexity of each of the first 100 steps of a run from the same recipe (`train100.txt`).
# Run once from the repository root with the binary to freeze:
#   bash Tests/Fixtures/translation/make.sh PATH/TO/nmt
# `make.sh PATH/TO/nmt train100` remakes only the two train100.txt files, for a change that is
# meant to change training's numbers (the models and translations stay those of 12f1b18): done
# once since, when dropout masks came to be drawn per (step, sentence of the global batch) for
# data-parallel training.
# Data: a slice of the shipped corpus (the first 8,000 training pairs, 200 dev, 100 test); the
# recipes are `<score>.yaml` with CORPUS standing for that slice's directory.
# Kept per model: what `nmt translate` reads (config.yaml, vocab.*, bpe.codes, best.ckpt).
set -euo pipefail
nmt=$(realpath "${1:?usage: make.sh NMT [train100]}")
only=${2:-}
here=Tests/Fixtures/translation
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
for side in en fr; do
    head -8000 "corpora/ddtp-en-fr/train.$side" > "$work/corpus/train.$side"
    head -200 "corpora/ddtp-en-fr/dev.$side" > "$work/corpus/dev.$side"
    head -100 "corpora/ddtp-en-fr/test.$side" > "$work/corpus/test.$side"
done
[[ $only == train100 ]] || cp "$work/corpus/test.en" "$here/input.en"
# The kernels this CPU runs (the test runs only where they are the same).
flags=$(grep -m1 '^flags' /proc/cpuinfo)
if [[ " $flags " == *" avx512f "* ]]; then echo x86-64-v4; elif [[ " $flags " == *" avx2 "* && " $flags " == *" fma "* ]]; then
    echo x86-64-v3; else echo x86-64; fi > "$here/kernels.txt"
# general: 2 layers, input feeding, dropout 0.2 (the shipped recipe's shape), sampled softmax for the
# 100-step run; concat: no input feeding, dropout 0.3, full softmax.
for setting in "general true 0.2 sampled" "concat false 0.3 full"; do
    read -r score feeding dropout loss <<< "$setting"
    cat > "$here/$score.yaml" <<YAML
name: fixture-$score
data:   {corpus: CORPUS, src: en, tgt: fr, tokenizer: reversible, bpe_merges: 400,
         src_vocab: 400, tgt_vocab: 400, min_count: 1, max_length: 30, lowercase: false, reverse_source: true,
         buckets: [[10, 12], [20, 22], [30, 32]]}
model:  {embedding: 16, hidden: 24, layers: 2, attention: $score, input_feeding: $feeding, dropout: $dropout}
train:  {loss: full, num_sampled: 64, optimizer: adam, learning_rate: 0.01, decay: 0.5,
         max_gradient_norm: 5.0, batch_size: 32, max_minutes: 5, max_steps: 1500, eval_every: 500, log_every: 500, seed: 7,
         min_learning_rate: 0.001}
decode: {beam: 5, length_penalty: 1.0, max_length_ratio: 2.0}
YAML
    sed "s|CORPUS|$work/corpus|" "$here/$score.yaml" > "$work/$score.yaml"
    if [[ $only != train100 ]]; then
    (cd "$work" && "$nmt" train --recipe "$score.yaml" --out "model-$score" --quiet)
    mkdir -p "$here/$score"
    for f in config.yaml vocab.src vocab.tgt bpe.codes best.ckpt; do cp "$work/model-$score/$f" "$here/$score/$f"; done
    sed -i "s|$work/corpus|CORPUS|" "$here/$score/config.yaml"     # translation does not read it
    for beam in 1 5; do
        "$nmt" translate --model "$here/$score" --input "$here/input.en" --output "$here/$score/beam$beam.fr" --beam "$beam"
    done
    "$nmt" translate --model "$here/$score" --input "$here/input.en" --beam 5 --n-best 3 > "$here/$score/nbest3.txt"
    fi
    # The first 100 steps, logged every step.
    sed -e "s/loss: full/loss: $loss/" -e "s/max_steps: 1500, eval_every: 500, log_every: 500/max_steps: 100, eval_every: 1000, log_every: 1/" \
        "$work/$score.yaml" > "$work/$score-100.yaml"
    (cd "$work" && "$nmt" train --recipe "$score-100.yaml" --out "run-$score" --quiet)
    python3 -c 'import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if "train_perplexity" in e: print(e["step"], repr(e["train_perplexity"]))' "$work/run-$score/log.jsonl" > "$here/$score/train100.txt"
done
