#!/usr/bin/env bash
# LibreTranslate's own Python clients against `nmt serve`, once: libretranslatepy (translate, detect,
# languages; form bodies) and deep-translator's LibreTranslator (translate and translate_batch;
# query parameters), from PyPI into a virtual environment. Prints what each call returned and
# `clients: all calls answered` (exit 0), or the first failure (exit 1); the sentence both clients
# send must get the same translation.
#   bash Benchmarks/libretranslate-clients.sh [MODEL_DIR]     (default: the test fixture's model)
# VENV (default /tmp/nmt-libretranslate-clients) is made and filled when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-Tests/Fixtures/translation/general}
venv=${VENV:-/tmp/nmt-libretranslate-clients}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q libretranslatepy deep-translator
fi
swift build --product nmt >/dev/null
log=$(mktemp)
.build/debug/nmt serve --model "$model" --port 0 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 300); do grep -q "listening on" "$log" && break; sleep 0.1; done
url=$(grep -o "http://127.0.0.1:[0-9]*" "$log" | head -1)
"$venv/bin/pip" list 2>/dev/null | grep -i -E "^(libretranslatepy|deep-translator) "
"$venv/bin/python" - "$url" <<'PY'
import sys
from libretranslatepy import LibreTranslateAPI
from deep_translator import LibreTranslator

url = sys.argv[1] + "/"
lt = LibreTranslateAPI(url)
first = lt.translate("This package provides the library.", "en", "fr")
print("libretranslatepy translate:", repr(first))
print("libretranslatepy detect:   ", lt.detect("This package provides the library."))
print("libretranslatepy languages:", lt.languages())
dt = LibreTranslator(source="en", target="fr", api_key="unused", custom_url=url)
print("deep-translator translate: ", repr(dt.translate("It contains the development files.")))
batch = dt.translate_batch(["This package provides the library.", "It contains the files."])
print("deep-translator batch:     ", batch)
# The same sentence through a form body and through query parameters: the same translation.
if batch[0] != first:
    sys.exit("clients: the two clients got different translations of the same sentence")
print("clients: all calls answered")
PY
