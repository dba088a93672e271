#!/usr/bin/env python3
"""Writes a parallel corpus of N training pairs made by varying the shipped one, for measuring
`nmt prepare` on corpora larger than memory (issue 14, item 8).

Usage: python3 Benchmarks/make-large-corpus.py N OUT_DIR [CORPUS_DIR]
  OUT_DIR/{train,dev,test}.{en,fr}; dev and test are the shipped ones, train has N pairs.

Copy c of shipped pair i (pair k = c·n + i, n shipped pairs) rotates the source's words by
c mod (source words) and the target's by c // (source words) mod (target words), so copies of a
long pair stay distinct (the duplicate filter keeps them) while the word types, and so BPE's word
statistics and the vocabularies, stay those of the shipped corpus: what grows is the text, not the
statistics. Short pairs run out of rotations and come back as duplicates, as real corpora repeat.
Copy 0 is the shipped pair itself. Deterministic.
"""
import os, shutil, sys

def rotate(words, r):
    r %= max(1, len(words))
    return words[r:] + words[:r]

def main():
    n_pairs, out = int(sys.argv[1]), sys.argv[2]
    corpus = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "corpora", "ddtp-en-fr")
    os.makedirs(out, exist_ok=True)
    for split in ("dev", "test"):
        for side in ("en", "fr"):
            shutil.copyfile(os.path.join(corpus, f"{split}.{side}"), os.path.join(out, f"{split}.{side}"))
    def lines(side):
        with open(os.path.join(corpus, f"train.{side}"), encoding="utf-8", newline="\n") as f:
            return [line.rstrip("\n").split(" ") for line in f]
    source, target = lines("en"), lines("fr")
    n = len(source)
    with open(os.path.join(out, "train.en"), "w", encoding="utf-8", newline="\n") as fs, \
         open(os.path.join(out, "train.fr"), "w", encoding="utf-8", newline="\n") as ft:
        for k in range(n_pairs):
            c, i = divmod(k, n)
            s, t = source[i], target[i]
            fs.write(" ".join(rotate(s, c)) + "\n")
            ft.write(" ".join(rotate(t, c // max(1, len(s)))) + "\n")

if __name__ == "__main__":
    main()
