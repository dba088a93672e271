#!/usr/bin/env python3
"""Reference fixtures for `nmt score` (Tests/EvalTests).

Run once (the first run needs PyPI to build the virtual environment); its outputs are committed so
that the tests need no Python:

    python3 Tests/Fixtures/make_score_fixtures.py [--venv DIR]

It uses sacrebleu 2.6.0 from the virtual environment Tests/Fixtures/.venv (or --venv DIR, which must
already hold it), creating that environment as make_fixtures.py does when it is missing, and writes
under Tests/Fixtures/score/:

  <set>/hyp.txt, <set>/ref1.txt ...   each hypothesis/reference set (the shipped test set's
                                      references are read from corpora/ddtp-en-fr/ directly)
  cases.json                          for every set and option combination ("run"): the `nmt score`
                                      arguments, the equivalent sacrebleu command, what it prints
                                      with `-f text` (one line, or one a segment with -sl) and with
                                      `-f json`, and the Python API's values at full precision
  tokenize.json                       Tokenizer13a()(line) and line.lower() for tricky lines

The text lines are sacrebleu's with `version:2.6.0`; nmt prints `version:nmt-<its version>` instead.
"""
import json
import os
import random
import subprocess
import sys
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "corpora", "ddtp-en-fr")
OUT = os.path.join(HERE, "score")
PINS = ["sacremoses==0.2.0", "subword-nmt==0.3.8", "sacrebleu==2.6.0"]
SEED = 20261126

# ---------------------------------------------------------------------------------------------
# Hand-made sets. Each: hypotheses, references (a list of streams), and runs (nmt score options).

EN_REF = [
    "The quick brown fox jumps over the lazy dog.",
    "This package provides a command-line interface to the Debian archive.",
    "It is written in Python and supports HTTP, HTTPS and FTP mirrors.",
    "Install it with apt-get, then run the tool without arguments.",
    "Documentation is available in /usr/share/doc/tool/README.gz.",
    "Version 2.0 fixes 13 bugs, adds 4 features and removes 1,500 lines of code.",
    "The library's API is stable; see the changelog for details.",
    "Users reported that the \"safe mode\" (enabled by default) is too slow.",
]
EN_HYP = [
    "The fast brown fox jumped over the lazy dog.",
    "This package provides the command-line interface to a Debian archive.",
    "It is written in Python and it supports HTTP and FTP mirrors.",
    "Install it with apt-get and run the tool with no arguments.",
    "Documentation can be found in /usr/share/doc/tool/README.gz.",
    "Version 2.0 fixes 13 bugs and adds four features, removing 1,500 lines of code.",
    "The API of the library is stable; see changelog for the details.",
    "Users said the \"safe mode\" (on by default) was too slow.",
]
EN_REF2 = [
    "A quick brown fox leaps over the lazy dog.",
    "This package offers a command line interface to the Debian archive.",
    "Written in Python, it supports HTTP, HTTPS and FTP mirrors.",
    "Install it using apt-get, then start the tool with no arguments.",
    "The documentation is in /usr/share/doc/tool/README.gz.",
    "Version 2.0 fixes thirteen bugs, adds four features and drops 1,500 lines of code.",
    "The API of the library is stable: the changelog has the details.",
    "Users said that the \"safe mode\" (on by default) is too slow.",
]
EN_REF3 = [
    "The fast brown fox jumps over a lazy dog.",
    "The package provides a command-line interface for the Debian archive.",
    "It's written in Python and supports HTTP, HTTPS, and FTP mirrors.",
    "Install with apt-get and run the tool without any arguments.",
    "See /usr/share/doc/tool/README.gz for documentation.",
    "Version 2.0 fixes 13 bugs, adds 4 features, and removes 1,500 lines of code.",
    "The library API is stable; the changelog gives details.",
    "Users reported the \"safe mode\" (the default) to be too slow.",
]

FR_TYPOGRAPHY_REF = [
    "« Bonjour », dit-il : « ça va ? »",
    "L’installation nécessite 20\u00a0% d’espace libre\u00a0; voir la documentation.",
    "Le prix est de 5\u202f€ — c’est-à-dire presque rien !",
    "Il a répondu\u00a0: «\u00a0Non\u00a0», puis il est parti…",
    "Aujourd’hui, l’équipe publie la version 3.1 ; merci à tous !",
    "Ce paquet contient les fichiers d’en-tête (« headers ») pour libfoo.",
]
FR_TYPOGRAPHY_HYP = [
    "« Bonjour » dit-il : « ça va ? »",
    "L'installation nécessite 20 % d'espace libre ; voir la documentation.",
    "Le prix est 5\u202f€ – c’est-à-dire presque rien!",
    "Il a répondu\u00a0: «\u00a0Non\u00a0» puis est parti...",
    "Aujourd’hui l’équipe publie la version 3.1\u00a0; merci à tous !",
    "Ce paquet contient les fichiers d’en-tête («\u202fheaders\u202f») de libfoo.",
]

CJK_REF = [
    "这个软件包提供了一个命令行界面。",
    "本パッケージはコマンドラインインターフェースを提供します。",
    "이 패키지는 명령줄 인터페이스를 제공합니다.",
    "Debian 的文档位于 /usr/share/doc 目录中。",
    "全角スペース\u3000を含む行です。",
]
CJK_HYP = [
    "这个软件包提供命令行界面。",
    "このパッケージはコマンドラインインタフェースを提供する。",
    "이 패키지는 명령줄 인터페이스를 제공한다.",
    "Debian 文档在 /usr/share/doc 目录。",
    "全角スペース\u3000を含む行。",
]

EMOJI_REF = [
    "I love this package 😀👍",
    "Family: 👨‍👩‍👧‍👦 and flags 🇫🇷🇬🇧 and skin tones 👋🏽",
    "Rocket 🚀 launch at 10:00!",
    "Math symbols ∑∞≠ and arrows → ← and ©®™",
    "Mixed 😀text😀 without spaces",
]
EMOJI_HYP = [
    "I love this package 😀",
    "Family: 👨‍👩‍👧 and flags 🇫🇷 and skin tones 👋",
    "Rocket 🚀 launches at 10:00 !",
    "Math symbols ∑∞= and arrows → ←, ©®™",
    "Mixed 😀 text 😀 without spaces",
]

CASE_REF = [
    "ΟΔΥΣΣΕΑΣ ΚΑΙ Η ΠΗΝΕΛΟΠΗ ΣΤΗΝ ΙΘΑΚΗ",
    "Σ is the Greek capital sigma; ΣΑΣ ends in Σ.",
    "İstanbul, DİYARBAKIR and ıi İI in Turkish",
    "STRASSE and Straße, ǅemal and ǄEMAL, ﬁne ligatures",
    "THE QUICK BROWN FOX",
    "Ǳ Ǉ Ǌ ΐ ẞ Ω K Å",
]
CASE_HYP = [
    "Οδυσσεας και η Πηνελοπη στην Ιθακη",
    "σ is the greek capital sigma; σας ends in σ.",
    "istanbul, diyarbakir and ıi iı in turkish",
    "strasse and straße, ǆemal and ǆemal, fine ligatures",
    "The Quick Brown Fox",
    "ǳ ǉ ǌ ΐ ß ω k å",
]

PUNCT_REF = [
    "&quot;Quoted&quot; &amp; escaped &lt;tags&gt; here.",
    "Double escape &amp;lt; and &amp;quot; stay once-escaped.",
    "Remove <skipped> this word <skipped>.",
    "Numbers: 1,000.50 and 3.14, 2-3 items, a-b, x--y, -5 and 10-.",
    "End. Start,next .. ... a.b.c 1.a a.1 ,lead trail,",
    "Brackets (round) [square] {curly} <angle> and |pipes| ~tilde~ `tick` ^caret^",
    "Symbols: @user #tag $5 %20 &and *star +plus =eq ?q !e ;s :c /s \\b _u",
    "It's John's 'quoted' text, isn't it?",
    "URL http://example.com/a/b.html?x=1&y=2#frag and e-mail me@example.org.",
    "Mixed...punctuation!!! right?!",
]
PUNCT_HYP = [
    "\"Quoted\" & escaped <tags> here .",
    "Double escape &lt; and &quot; stay once-escaped.",
    "Remove this word .",
    "Numbers : 1,000.50 and 3.14 , 2 - 3 items, a-b, x--y, -5 and 10 -.",
    "End . Start, next... .. a.b.c 1.a a.1, lead trail ,",
    "Brackets (round)[square]{curly}<angle> and | pipes | ~ tilde ~ ` tick ` ^ caret ^",
    "Symbols : @ user # tag $ 5 % 20 & and * star + plus = eq ? q ! e ; s : c / s \\ b _ u",
    "It 's John 's ' quoted ' text , isn't it ?",
    "URL http://example.com/a/b.html?x=1&amp;y=2#frag and e-mail me@example.org .",
    "Mixed ... punctuation ! ! ! right ? !",
]

WHITESPACE_REF = [
    "tabs\tbetween\twords",
    "  leading and trailing spaces  ",
    "many     spaces    here",
    "ideographic\u3000space and\u2028line separator",
    "next line\x85 and\x1cfile separator\x1fhere",
    "vertical\x0btab and\x0cform feed",
    "no-break\u00a0space and\u2009thin\u200aspaces\u200bzero-width",
    "carriage\rreturn inside",
]
WHITESPACE_HYP = [
    "tabs between words",
    "leading and trailing spaces",
    "many spaces here",
    "ideographic space and line separator",
    "next line and file separator here",
    "vertical tab and form feed",
    "no-break space and thin spaces\u200bzero-width",
    "carriage return inside",
]

SCRIPTS_REF = [
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "صف خلق خود كمثل الشمس إذ بزغت يحظى الضجيع بها نجلاء معطار",
    "דג סקרן שט בים מאוכזב ולפתע מצא חברה",
    "ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले",
    "Ελληνικά: Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
]
SCRIPTS_HYP = [
    "Съешь ещё этих мягких французских булок и выпей чаю.",
    "صف خلق خود كمثل الشمس إذ بزغت يحظى الضجيع بها",
    "דג סקרן שט בים מאוכזב ומצא חברה",
    "ऋषियों को सताने वाले राक्षसों के राजा रावण का नाश करने वाले",
    "Ελληνικά: ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
]

COMBINING_REF = ["caf\u00e9 cr\u00e8me br\u00fbl\u00e9e", "na\u00efve r\u00e9sum\u00e9", "\u00c5ngstr\u00f6m \u212b unit"]
COMBINING_HYP = ["cafe\u0301 cre\u0300me br\u00fbl\u00e9e", "naïve re\u0301sume\u0301", "A\u030angstr\u00f6m \u00c5 unit"]


def make_sets(rng):
    """(name, hypothesis lines or raw bytes, [reference streams or corpus paths], runs)."""
    bleu_and_chrf = [[], ["--metric", "chrf"]]
    smoothings = [["--smooth", s] for s in ("exp", "floor", "add-k", "none")]
    sentence = [["--sentence"], ["--sentence", "--metric", "chrf"]]
    sets = [
        ("basic", EN_HYP, [EN_REF],
         bleu_and_chrf + [["--width", "3"], ["--width", "0"], ["--lowercase"], ["--tokenize", "none"]]
         + smoothings[1:] + sentence + [["--sentence", "--width", "2"]]),
        ("identical", EN_REF, [EN_REF], bleu_and_chrf + [["--sentence"]]),
        ("empty_hypothesis_lines", ["" if i % 3 == 1 else h for i, h in enumerate(EN_HYP)], [EN_REF],
         bleu_and_chrf + sentence),
        ("all_empty_hypotheses", [""] * len(EN_REF), [EN_REF], bleu_and_chrf + smoothings + sentence),
        ("empty_reference_lines", EN_HYP, [["" if i % 4 == 2 else r for i, r in enumerate(EN_REF)]],
         bleu_and_chrf + sentence),
        ("all_empty_references", EN_HYP, [[""] * len(EN_HYP)], bleu_and_chrf + sentence),
        ("all_empty_both", [""] * 3, [[""] * 3], bleu_and_chrf + sentence),
        ("no_matching_4grams",
         ["the cat sat on a mat", "a dog ran in the park today", "we like green tea", "rain falls"],
         [["the cat sat down on the mat", "a big dog ran in a park today", "we all like tea", "the rain falls"]],
         bleu_and_chrf + smoothings + sentence),
        ("no_matches", ["alpha beta gamma", "delta epsilon"], [["one two three", "four five six seven"]],
         bleu_and_chrf + smoothings + sentence),
        ("one_line", [EN_HYP[5]], [[EN_REF[5]]], bleu_and_chrf + smoothings[1:] + sentence),
        ("one_short_line", ["hello world"], [["hello there world"]], bleu_and_chrf + smoothings + sentence),
        ("repeated_ngrams", ["the the the the the the the", "a a b b a a b b"], [["the cat is on the mat", "a b a b"]],
         bleu_and_chrf + sentence),
        ("long_hypotheses", [h + " and then some more words were added at the end" for h in EN_HYP], [EN_REF],
         bleu_and_chrf),
        ("two_references", EN_HYP, [EN_REF, EN_REF2], bleu_and_chrf + sentence + [["--lowercase"]]),
        ("three_references", EN_HYP, [EN_REF, EN_REF2, EN_REF3], bleu_and_chrf + sentence + smoothings[1:]),
        ("reference_length_ties",
         ["one two three four five", "a b c d e f g", "x y"],
         [["one two three four", "a b c d e f", "x"], ["one two three four five six", "a b c d e f g h", "x y z"],
          ["two three four five six", "b c d e f g h", "y"]],
         bleu_and_chrf + sentence),
        ("lowercase", [h.upper() if i % 2 else h.lower() for i, h in enumerate(EN_HYP)], [EN_REF],
         bleu_and_chrf + [["--lowercase"], ["--lowercase", "--metric", "chrf"], ["--lowercase", "--sentence"]]),
        ("tokenize_none", [" ".join(h.replace(".", " .").replace(",", " ,").split()) for h in EN_HYP],
         [[" ".join(r.replace(".", " .").replace(",", " ,").split()) for r in EN_REF]],
         [["--tokenize", "none"], [], ["--tokenize", "none", "--lowercase"], ["--tokenize", "none", "--sentence"]]),
        ("punctuation_13a", PUNCT_HYP, [PUNCT_REF],
         bleu_and_chrf + [["--tokenize", "none"], ["--sentence"]]),
        ("french_typography", FR_TYPOGRAPHY_HYP, [FR_TYPOGRAPHY_REF],
         bleu_and_chrf + [["--lowercase"], ["--sentence"], ["--sentence", "--metric", "chrf"]]),
        ("cjk", CJK_HYP, [CJK_REF], bleu_and_chrf + [["--tokenize", "none"]] + sentence),
        ("emoji", EMOJI_HYP, [EMOJI_REF], bleu_and_chrf + sentence),
        ("case_mapping", CASE_HYP, [CASE_REF],
         bleu_and_chrf + [["--lowercase"], ["--lowercase", "--metric", "chrf"], ["--lowercase", "--sentence"]]),
        ("combining_characters", COMBINING_HYP, [COMBINING_REF], bleu_and_chrf + [["--lowercase"]]),
        ("whitespace", WHITESPACE_HYP, [WHITESPACE_REF], bleu_and_chrf + [["--tokenize", "none"]] + sentence),
        ("other_scripts", SCRIPTS_HYP, [SCRIPTS_REF], bleu_and_chrf + [["--lowercase"], ["--lowercase", "--metric", "chrf"]]),
        # Raw bytes: a byte-order mark and CRLF line ends (sacrebleu keeps the mark in the first line
        # and right-strips the \r), a last line without \n.
        ("bom_and_crlf",
         b"\xef\xbb\xbfThe quick brown fox\r\njumps over\r\nthe lazy dog",
         [b"The quick brown fox\r\njumps over the\r\nlazy dog\r\n"],
         bleu_and_chrf + sentence),
        ("bom_in_both",
         b"\xef\xbb\xbfThe quick brown fox\njumps over\n",
         [b"\xef\xbb\xbfThe quick brown fox\njumps over the\n"],
         bleu_and_chrf),
    ]

    # The shipped test set against seeded perturbations of itself.
    test_fr = read_lines(os.path.join(CORPUS, "test.fr"))
    corpus_ref = "corpora/ddtp-en-fr/test.fr"
    perturbed = [perturb(line, rng) for line in test_fr]
    sets.append(("ddtp_test_fr", perturbed, [corpus_ref],
                 bleu_and_chrf + smoothings[1:] + [["--lowercase"], ["--tokenize", "none"], ["--width", "4"],
                                                   ["--lowercase", "--metric", "chrf"]]))
    head = 200
    second = [perturb(line, rng) for line in test_fr[:head]]
    third = [perturb(line, rng) for line in test_fr[:head]]
    sets.append(("ddtp_three_references", perturbed[:head], [test_fr[:head], second, third],
                 bleu_and_chrf + [["--sentence"], ["--sentence", "--metric", "chrf"]]))
    sets.append(("ddtp_sentences", perturbed[:head], [test_fr[:head]],
                 sentence + [["--sentence", "--lowercase"], ["--sentence", "--smooth", "floor"],
                             ["--sentence", "--smooth", "add-k"], ["--sentence", "--smooth", "none"]]))
    return sets


def perturb(line, rng):
    """Seeded word drops, swaps of neighbours and repeated words."""
    words = line.split(" ")
    out = []
    i = 0
    while i < len(words):
        r = rng.random()
        if r < 0.08:
            i += 1
            continue
        if r < 0.14 and i + 1 < len(words):
            out += [words[i + 1], words[i]]
            i += 2
            continue
        if r < 0.16:
            out.append(words[i])
        out.append(words[i])
        i += 1
    return " ".join(out)


TOKENIZE_LINES = PUNCT_REF + PUNCT_HYP + FR_TYPOGRAPHY_REF + CJK_REF + EMOJI_REF + CASE_REF + WHITESPACE_REF + [
    "", " ", "a", ".", ",", "-", "1.", ".1", "1,", ",1", "1-", "-1", "a.", ".a", "a,", ",a", "a-", "-a",
    "..", "...", ",,", "1..2", "1.,2", "a.,b", "1-2-3", "1--2", "&amp;amp;", "&quot;&quot;", "&ampamp;",
    "<skipped><skipped>", "<skip<skipped>ped>", "line-\nbreak", "line\nbreak", "x\u2028y\x85z",
    "ΣΑΣ Σ ΑΣ. ΑΣ'Σ A\u0301Σ", "ʕΣ AʕΣ A\U0001171eΣ AΣ\U0001171e", "İ ẞ ǅ Ǳ ﬃ ŉ", "\ufeffbom", "trailing \t\u3000",
]


def read_lines(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        return [line.rstrip() for line in f]


def write_file(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(content, bytes):
        data = content
    else:
        for line in content:
            assert "\n" not in line
        data = "".join(line + "\n" for line in content).encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def sacrebleu_args(args):
    """The sacrebleu options that match `nmt score` options."""
    metric = "chrf" if "--metric" in args and args[args.index("--metric") + 1] == "chrf" else "bleu"
    out = ["-m", metric]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--lowercase":
            out.append("-lc" if metric == "bleu" else "--chrf-lowercase")
        elif a == "--sentence":
            out.append("-sl")
        elif a in ("--tokenize", "--smooth", "--width"):
            out += [{"--tokenize": "-tok", "--smooth": "-s", "--width": "-w"}[a], args[i + 1]]
            i += 1
        elif a == "--metric":
            i += 1
        else:
            raise ValueError(a)
        i += 1
    return out


def option(args, name, default):
    return args[args.index(name) + 1] if name in args else default


def api_values(args, hyps, refs):
    """The Python API's values at full precision (one dict, or one per segment with --sentence)."""
    from sacrebleu.metrics import BLEU, CHRF
    sentence = "--sentence" in args
    lowercase = "--lowercase" in args
    if option(args, "--metric", "bleu") == "chrf":
        metric = CHRF(lowercase=lowercase)
    else:
        metric = BLEU(lowercase=lowercase, tokenize=option(args, "--tokenize", "13a"),
                      smooth_method=option(args, "--smooth", "exp"), effective_order=sentence)
    if sentence:
        scores = [metric.sentence_score(h, [r[i] for r in refs]) for i, h in enumerate(hyps)]
    else:
        scores = [metric.corpus_score(hyps, refs)]
    values = []
    for s in scores:
        v = {"score": s.score}
        if isinstance(metric, BLEU):
            v.update(counts=list(s.counts), totals=list(s.totals), precisions=list(s.precisions), bp=s.bp,
                     sys_len=s.sys_len, ref_len=s.ref_len)
        values.append(v)
    return values, metric


def run_sacrebleu(ref_paths, hyp_path, options, fmt):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SACREBLEU_FORMAT", None)
    cmd = ["sacrebleu"] + ref_paths + ["-i", hyp_path, "-f", fmt] + options
    exe = os.path.join(os.path.dirname(sys.executable), "sacrebleu")
    done = subprocess.run([exe] + cmd[1:], cwd=ROOT, env=env, capture_output=True, check=True)
    return cmd, done.stdout.decode("utf-8")


def inside_venv():
    import sacrebleu
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
    assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
    rng = random.Random(SEED)
    cases = []
    for name, hyp, refs, runs in make_sets(rng):
        directory = os.path.join(OUT, name)
        hyp_path = os.path.relpath(os.path.join(directory, "hyp.txt"), ROOT)
        write_file(os.path.join(ROOT, hyp_path), hyp)
        ref_paths = []
        for k, ref in enumerate(refs, 1):
            if isinstance(ref, str):
                ref_paths.append(ref)
            else:
                ref_paths.append(os.path.relpath(os.path.join(directory, f"ref{k}.txt"), ROOT))
                write_file(os.path.join(ROOT, ref_paths[-1]), ref)
        hyps = read_lines(os.path.join(ROOT, hyp_path))
        ref_streams = [read_lines(os.path.join(ROOT, p)) for p in ref_paths]
        for args in runs:
            options = sacrebleu_args(args)
            command, text = run_sacrebleu(ref_paths, hyp_path, options, "text")
            lines = text.rstrip("\n").split("\n")
            json_output = None
            if "--sentence" not in args:
                _, printed = run_sacrebleu(ref_paths, hyp_path, options, "json")
                json_output = json.loads(printed)
            values, metric = api_values(args, hyps, ref_streams)
            # The API and the command line agree (same statistics, same formatting).
            width = int(option(args, "--width", "1"))
            if "--sentence" not in args:
                assert len(lines) == 1, lines
                score = metric.corpus_score(hyps, ref_streams)
                assert score.format(width, signature=metric.get_signature().format()) == lines[0], (name, args)
            else:
                assert len(lines) == len(hyps), (name, args)
            cases.append({
                "set": name, "args": args, "hyp": hyp_path, "refs": ref_paths, "sacrebleu": command + [],
                "text": lines, "json": json_output, "values": values,
            })
    # One run a line keeps the file small and its diffs readable.
    header = {"generator": "Tests/Fixtures/make_score_fixtures.py", "sacrebleu": sacrebleu.__version__,
              "python": sys.version.split()[0]}
    with open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(case, ensure_ascii=False) for case in cases))
        f.write("\n]}\n")
    tokenizer = Tokenizer13a()
    write_json(os.path.join(OUT, "tokenize.json"), [
        {"input": line, "13a": tokenizer(line), "lower": line.lower(),
         "lower13a": tokenizer(line.lower().rstrip())} for line in TOKENIZE_LINES
    ])
    print(f"{len(set(c['set'] for c in cases))} sets, {len(cases)} runs", file=sys.stderr)


def write_json(path, value):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def ensure_venv(path):
    python = os.path.join(path, "bin", "python")
    if not os.path.exists(python):
        venv.create(path, with_pip=True)
        run([python, "-m", "pip", "install", "-q"] + PINS)
    return python


if __name__ == "__main__":
    if "--inside-venv" in sys.argv:
        inside_venv()
    else:
        venv_path = os.path.join(HERE, ".venv")
        if "--venv" in sys.argv:
            venv_path = os.path.abspath(sys.argv[sys.argv.index("--venv") + 1])
        run([ensure_venv(venv_path), os.path.abspath(__file__), "--inside-venv"])
