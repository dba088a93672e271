#!/usr/bin/env python3
"""Reference fixtures for the text pipeline tests.

Run once (it needs the network for PyPI); its outputs are committed so that CI needs no Python:

    python3 Tests/Fixtures/make_fixtures.py

It installs the reference tools into a virtual environment (Tests/Fixtures/.venv, ignored by git)
at the versions the TF peer pins (sacremoses 0.2.0, subword-nmt 0.3.8, sacrebleu 2.6.0) and writes,
under Tests/Fixtures/:

  moses/{en,fr}.input            raw lines: a seeded sample of the shipped corpus + hand-made lines
  moses/{en,fr}.tok              MosesTokenizer(lang).tokenize(line, escape=False, return_str=True)
  moses/{en,fr}.detok            MosesDetokenizer(lang).detokenize(tok.split())
  bpe/sample.tok                 Moses-tokenized lines (both languages) to learn BPE on
  bpe/sample.codes               subword-nmt learn-bpe -s 3000 on sample.tok
  bpe/apply.input                Moses-tokenized lines to segment
  bpe/apply.output               subword-nmt apply-bpe -c sample.codes on apply.input
  bpe/tiny.*                     the same on a hand-made text full of frequency ties
  bpe/whitespace.*               learn -s 40 and apply on hand-made lines with tabs, no-break spaces
                                 and line-break characters inside lines (see bpe_hand_made_cases)
  bpe/v01.codes, v01.output      hand-made version 0.1 codes (no header, `</w>` a symbol of its own)
                                 and apply-bpe with them on tiny.tok
  bpe/duplicates.codes, .output  hand-made codes with repeated merges, and apply-bpe on tiny.tok
  bpe/prune.tok, prune.codes     random words with U+3000 inside (seed 175 of random_bpe_text) and
                                 learn -s 200 on them: prune_stats brings back a merged pair

Only the hand-made BPE cases (no corpus needed):

    Tests/Fixtures/.venv/bin/python Tests/Fixtures/make_fixtures.py --bpe-hand-made-only
"""
import os
import random
import subprocess
import sys
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "corpora", "ddtp-en-fr")
VENV = os.path.join(HERE, ".venv")
PINS = ["sacremoses==0.2.0", "subword-nmt==0.3.8", "sacrebleu==2.6.0"]

SAMPLE_LINES = 2500       # corpus lines per language for the Moses fixtures
BPE_SAMPLE_LINES = 6000   # lines per language to learn BPE on
BPE_MERGES = 3000
BPE_APPLY_LINES = 3000

# Hand-made lines: every rule the tokenizer has, in both languages.
HAND_MADE = [
    "Hello, world!",
    "It's John's book, isn't it? We'll see: they're here, I'd say, and you've won.",
    "The Jones' house costs $5,300.50 -- or 1.5 million (approx.) [sic] {x}.",
    "Mr. Smith went to Washington D.C. on Jan. 5th; Dr. Who didn't.",
    "Version 2.0 is out... wait.... really?!",
    "See http://example.com/path/to/file.html and https://www.debian.org/doc/ for more.",
    "Files live in /usr/share/doc/foo-bar/README.gz and C:\\Windows\\system32.",
    "Send mail to john.doe@example.org or @handle #hashtag.",
    "A and/or B, x-ray, e-mail, well-known 3-4 items.",
    "\"Quoted text\" and 'single quoted' and `backticked' words.",
    "Numbers: 1,000,000 and 3.14159 and 1,5 and 10.",
    "Use the -f option or --force; don't use -- alone.",
    "Nested (parentheses (inside)) end.",
    "Trailing period inside quote.'",
    "l'image d'un homme qu'il a vu, jusqu'à aujourd'hui, s'il te plaît.",
    "l’image d’un homme qu’il a vu, jusqu’à aujourd’hui, s’il te plaît.",
    "« Bonjour » dit-il : « ça va ? » Oui !",
    "Prix : 5 € ; taux : 20 % ; version 2.0 ; 1,5 million.",
    "Il y a 3 M. et Mme. Dupont, etc. Voir p. 5 et art. 12.",
    "C'est-à-dire, peut-être, porte-monnaie — et – tirets.",
    "Tabs\there\tand  double  spaces   and trailing spaces   ",
    "   leading spaces",
    "Control\x01chars\x02and\x1fmore",
    "zero\u200bwidth\u200cjoiner\u200dand\ufeffBOM inside",
    "Non\u00a0breaking\u202fspaces\u2009thin",
    "Emoji 😀 and symbols ©®™ and math ∑∞≠ and arrows →←",
    "Mixed scripts: Ελληνικά, русский, 日本語, العربية, עברית.",
    "Ellipsis … and dots .. and ... and ....",
    "Ends with abbreviation etc.",
    "U.S.A. and e.g. and i.e. are common.",
    "It's 5 o'clock, the '90s, rock'n'roll.",
    "He said 'hello' and left.",
    "Price: 3$ or $3 or 3 $ and £5 and ¥10.",
    "Pipes | and ampersands & and <angle> brackets >",
    "Underscores_in_names and snake_case_words and CamelCase.",
    "Version numbers like 1.2.3-4ubuntu5 and libfoo2.0-dev.",
    "",
    "a",
    ".",
    "...",
    "'",
    "\"",
    "Hyphen-ated-word-chains and --long-options=value.",
    "Fractions ½ ¾ and superscripts x² and ordinals 1st 2nd 3rd.",
    "Ligatures ﬁ ﬂ and full-width ＡＢＣ１２３.",
    "Apostrophes: O'Neil, don’t, can’t, l’été, aujourd'hui.",
    "Question? Exclamation! Colon: Semicolon; Percent%.",
    "GNU/Linux, TCP/IP, input/output and 1/2.",
    "Long dash—no spaces—here and en–dash.",
    "Quote at end: \"done.\"",
]

def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)

def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        venv.create(VENV, with_pip=True)
        run([python, "-m", "pip", "install", "-q"] + PINS)
    return python

def read_lines(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        return f.read().split("\n")[:-1]

def write_lines(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            assert "\n" not in line
            f.write(line + "\n")

def generate(python):
    """Re-executes itself inside the virtual environment for the reference work."""
    run([python, os.path.abspath(__file__), "--inside-venv"])

def inside_venv():
    from sacremoses import MosesTokenizer, MosesDetokenizer
    rng = random.Random(20261126)
    moses = os.path.join(HERE, "moses")
    tokenized_corpus = {}
    for lang in ("en", "fr"):
        pool = []
        for split in ("train", "dev", "test"):
            pool += read_lines(os.path.join(CORPUS, f"{split}.{lang}"))
        sample = rng.sample(pool, SAMPLE_LINES)
        lines = sample + HAND_MADE
        tok = MosesTokenizer(lang)
        detok = MosesDetokenizer(lang)
        tokens = [tok.tokenize(l, escape=False, return_str=True) for l in lines]
        detoks = [detok.detokenize(t.split()) for t in tokens]
        write_lines(os.path.join(moses, f"{lang}.input"), lines)
        write_lines(os.path.join(moses, f"{lang}.tok"), tokens)
        write_lines(os.path.join(moses, f"{lang}.detok"), detoks)
        train = read_lines(os.path.join(CORPUS, f"train.{lang}"))
        picked = rng.sample(range(len(train)), BPE_SAMPLE_LINES + BPE_APPLY_LINES // 2)
        tokenized_corpus[lang] = [tok.tokenize(train[i], escape=False, return_str=True) for i in picked]

    bpe = os.path.join(HERE, "bpe")
    sample = tokenized_corpus["en"][:BPE_SAMPLE_LINES] + tokenized_corpus["fr"][:BPE_SAMPLE_LINES]
    apply_lines = tokenized_corpus["en"][BPE_SAMPLE_LINES:] + tokenized_corpus["fr"][BPE_SAMPLE_LINES:]
    # Lines with irregular spacing: apply-bpe keeps leading and trailing spaces.
    apply_lines += ["  leading and trailing  ", "a", "", "double  space", "zzzzzzzz qqqqq ééé"]
    write_lines(os.path.join(bpe, "sample.tok"), sample)
    write_lines(os.path.join(bpe, "apply.input"), apply_lines)
    cli = os.path.join(os.path.dirname(sys.executable), "subword-nmt")
    run([cli, "learn-bpe", "-s", str(BPE_MERGES), "-i", os.path.join(bpe, "sample.tok"),
         "-o", os.path.join(bpe, "sample.codes")])
    run([cli, "apply-bpe", "-c", os.path.join(bpe, "sample.codes"), "-i", os.path.join(bpe, "apply.input"),
         "-o", os.path.join(bpe, "apply.output")])

    # A tiny text where many pairs tie in frequency, so the tie-breaking order shows.
    tiny = ["ab ba ab ba aa bb", "abc cab bca abc", "aaaa bbbb aaaa", "x y z xy yz zx xyz", "éé èè éè",
            "low lower lowest newer wider new", "a b c d e f", "aaa aaa aaa b"]
    write_lines(os.path.join(bpe, "tiny.tok"), tiny)
    run([cli, "learn-bpe", "-s", "50", "-i", os.path.join(bpe, "tiny.tok"), "-o", os.path.join(bpe, "tiny.codes")])
    run([cli, "apply-bpe", "-c", os.path.join(bpe, "tiny.codes"), "-i", os.path.join(bpe, "tiny.tok"),
         "-o", os.path.join(bpe, "tiny.output")])
    bpe_hand_made_cases()

def bpe_hand_made_cases():
    bpe = os.path.join(HERE, "bpe")
    cli = os.path.join(os.path.dirname(sys.executable), "subword-nmt")
    # Whitespace inside words. learn-bpe's replace_pair merges with re.sub(r'(?<!\S)A B(?!\S)'), so
    # once "\t a" is merged, merging "a b" also joins the "\ta b" of "\tababc" (the tab counts as
    # a word boundary) while its counts are not updated. Both tools read through codecs, whose
    # readline also ends a line at \v, \f, \x1c-\x1e, \x85, \u2028, \u2029 and a lone \r.
    whitespace = (["\tax \tax \tax \tax \tax \tax"] * 10 + ["\tababc \tababc abz abz abz"] * 5
                  + ["abz \u00a0ab\u00a0ab abz  abz", "ab\x85ab ab\x0bab\u2028ab\rab ab\x1cab",
                     "  ab\u2029 ab\x0c  ab  ", "x\ty x\ty\u00a0x x\u202fy"])
    write_lines(os.path.join(bpe, "whitespace.tok"), whitespace)
    run([cli, "learn-bpe", "-s", "40", "-i", os.path.join(bpe, "whitespace.tok"),
         "-o", os.path.join(bpe, "whitespace.codes")])
    run([cli, "apply-bpe", "-c", os.path.join(bpe, "whitespace.codes"), "-i", os.path.join(bpe, "whitespace.tok"),
         "-o", os.path.join(bpe, "whitespace.output")])
    # Version 0.1: no header, and the end of a word is the symbol "</w>" of its own.
    write_lines(os.path.join(bpe, "v01.codes"),
                ["a b", "ab </w>", "l o", "lo w", "low </w>", "e r", "er </w>", "a a", "aa </w>", "x y"])
    # Repeated merges: the first occurrence gives the rank ("b c</w>" before "a b").
    write_lines(os.path.join(bpe, "duplicates.codes"),
                ["#version: 0.2", "b c</w>", "a b", "b c</w>", "c a", "a b", "b a"])
    for name in ("v01", "duplicates"):
        run([cli, "apply-bpe", "-c", os.path.join(bpe, f"{name}.codes"), "-i", os.path.join(bpe, "tiny.tok"),
             "-o", os.path.join(bpe, f"{name}.output")])
    # Found by comparing random texts: replace_pair's regex merges around U+3000 without updating
    # the counts, so the count of a pair already merged goes below 0; prune_stats adds a negative
    # count to big_stats (which still holds the pair's count from before its merge) instead of
    # setting it, the pair comes back when stats is rebuilt from big_stats, and "a ab" is learned
    # twice. Forgetting merged pairs in big_stats gives other merges.
    write_lines(os.path.join(bpe, "prune.tok"), random_bpe_text(175) * 3)
    run([cli, "learn-bpe", "-s", "200", "-i", os.path.join(bpe, "prune.tok"), "-o", os.path.join(bpe, "prune.codes")])

def random_bpe_text(seed):
    """Lines of Zipf-distributed random words over a small alphabet, with odd spacing."""
    rng = random.Random(seed)
    alphabets = ["ab", "abc", "ab\t", "a\u00e9\u00a0b", "xyz\u2009", "abcdefgh", "\u00e9\u00e8\u00eaa", "a\u3000b",
                 "<>/w", "ab\x1f", "ab\\"]
    breaks = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r"]
    alphabet = rng.choice(alphabets) + ("" if rng.random() < 0.5 else rng.choice(alphabets))
    pool = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, rng.choice([3, 6, 10]))))
            for _ in range(rng.randint(5, 400))]
    weights = [1.0 / (i + 1) ** rng.choice([0.8, 1.0, 1.3]) for i in range(len(pool))]
    lines = []
    for _ in range(rng.randint(1, 600)):
        line = ""
        for word in rng.choices(pool, weights, k=rng.randint(0, 12)):
            line += word + (" " if rng.random() < 0.9 else rng.choice(["  ", " " + rng.choice(breaks), rng.choice(breaks)]))
        if rng.random() < 0.1:
            line = "  " + line
        if rng.random() < 0.7:
            line = line.rstrip(" ")
        lines.append(line.rstrip("\r"))
    return lines

if __name__ == "__main__":
    if "--bpe-hand-made-only" in sys.argv:
        bpe_hand_made_cases()
    elif "--inside-venv" in sys.argv:
        inside_venv()
    else:
        generate(ensure_venv())
