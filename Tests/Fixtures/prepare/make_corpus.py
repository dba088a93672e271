#!/usr/bin/env python3
"""Writes corpus/{train,dev,test}.{en,fr}: a small corpus that meets every filter of `nmt prepare`
(empty, untranslated, too long, length ratio, duplicates, sources in dev or test), a byte-order
mark, CRLF line ends, no-break spaces and a last line without a newline, with enough repeated words
for BPE merges. Deterministic; regenerate with `python3 make_corpus.py`, then `make_expected.sh`."""
import os, random

random.seed(14)
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "corpus")
os.makedirs(out, exist_ok=True)

en_words = "the house is small and the garden is green while a cat sleeps near old walls".split()
fr_words = "la maison est petite et le jardin est vert pendant qu' un chat dort près des vieux murs".split()

def sentence(words, n):
    return " ".join(random.choice(words) for _ in range(n)).capitalize() + "."

train = []
for i in range(90):
    n = random.randint(3, 9)
    train.append((sentence(en_words, n), sentence(fr_words, n + random.randint(0, 2))))
special = [
    ("", "Vide."),                                            # empty
    ("OK.", "OK."),                                           # untranslated
    ("Price: 10 euros.", "Price\u00a0: 10 euros."),           # untranslated once spacing is ignored
    (sentence(en_words, 20), sentence(fr_words, 20)),         # too long with --max-length 12
    ("Yes.", sentence(fr_words, 9)),                          # length ratio
    ("The dev sentence is here.", "La phrase de dev est ici."),  # its source is in dev
    ("l'image d'un chat", "l’image d’un chat"),
]
train += special
train += [train[3], train[10], train[3]]                      # duplicates
random.shuffle(train)
dev = [("The dev sentence is here.", "La phrase de dev est ici."), (sentence(en_words, 5), sentence(fr_words, 5))]
test = [(sentence(en_words, 6), sentence(fr_words, 6)), ("", "")]

def write(name, lines, bom=False, crlf=False, last_newline=True):
    text = ("\r\n" if crlf else "\n").join(lines) + (("\r\n" if crlf else "\n") if last_newline else "")
    with open(os.path.join(out, name), "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))

write("train.en", [p[0] for p in train], bom=True)
write("train.fr", [p[1] for p in train], crlf=True, last_newline=False)
write("dev.en", [p[0] for p in dev])
write("dev.fr", [p[1] for p in dev])
write("test.en", [p[0] for p in test])
write("test.fr", [p[1] for p in test])
