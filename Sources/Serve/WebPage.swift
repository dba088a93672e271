import Foundation
import Hummingbird
import IO
import NIOCore

/// The page `GET /` serves: one self-contained HTML document (its script and style inline, no
/// fonts, images or other requests than to this server) that translates what is typed through
/// `POST /translate`, lists the N best (`alternatives`), and draws a line's attention heatmap from
/// `POST /v1/translate` with `"attention": true`, whose answer is
/// `{"translations": [{"translation": t, "score": s, "n_best": [...],
///   "attention": {"source_tokens": [S], "target_tokens": [T], "weights": [T][S]}}]}`;
/// a server without that endpoint (404) hides the heatmap.
///
/// Keyboard: the controls are native ones in reading order, Ctrl+Enter in the text box
/// translates, focus is outlined; the translation is in an `aria-live` region and errors in a
/// `role="alert"` one. The heatmap prints every weight as a percentage and marks each row's
/// largest, so it reads without its colours.
enum WebPage {
    /// The page for a model translating `source` → `target` (language codes) at beam `beam`.
    static func html(source: String, target: String, beam: Int, model: String) -> String {
        let values = ["{{SOURCE}}": source, "{{TARGET}}": target,
                      "{{SOURCE_NAME}}": Server.name(of: source), "{{TARGET_NAME}}": Server.name(of: target),
                      "{{BEAM}}": String(beam), "{{MODEL}}": model]
        var page = template
        // XML's escapes serve HTML's text and double-quoted attributes.
        for (placeholder, value) in values { page = page.replacingOccurrences(of: placeholder, with: SVGDocument.escape(value)) }
        return page
    }

    /// `Content-Security-Policy`: the browser itself refuses anything not inline or from this server.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'"


    static let template = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nmt: {{SOURCE_NAME}} → {{TARGET_NAME}}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 1.5rem auto; padding: 0 1rem; color: #1b1b1b; background: #fff; }
  h1 { font-size: 1.4rem; }
  label { font-weight: 600; }
  textarea { display: block; width: 100%; box-sizing: border-box; min-height: 7rem; font: inherit; padding: .4rem; }
  input, select, button { font: inherit; }
  button { padding: .3rem 1rem; }
  :focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
  .row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: .6rem 0; }
  .hint { color: #444; font-size: .9rem; }
  #translation { white-space: pre-wrap; border: 1px solid #888; padding: .5rem; min-height: 2.5rem; }
  #error { border: 2px solid #a51d2d; padding: .5rem; font-weight: 600; }
  #alternatives li { white-space: pre-wrap; }
  table { border-collapse: collapse; margin-top: .5rem; font-size: .85rem; }
  th, td { border: 1px solid #bbb; padding: .15rem .3rem; text-align: center; }
  th[scope=row] { text-align: right; }
  td.largest { outline: 2px solid #000; outline-offset: -3px; font-weight: 700; }
  .scroll { overflow-x: auto; }
</style>
</head>
<body data-source="{{SOURCE}}" data-target="{{TARGET}}" data-beam="{{BEAM}}">
<h1>{{SOURCE_NAME}} → {{TARGET_NAME}}</h1>
<p class="hint">Model {{MODEL}}, beam {{BEAM}}.</p>
<noscript><p>This page needs JavaScript; <code>POST /translate</code> works without it.</p></noscript>
<form id="form">
  <label for="text">{{SOURCE_NAME}} text</label>
  <textarea id="text" name="q" lang="{{SOURCE}}" aria-describedby="text-hint" autofocus></textarea>
  <p id="text-hint" class="hint">One sentence a line. Ctrl+Enter translates.</p>
  <div class="row">
    <button id="translate" type="submit">Translate</button>
    <label for="nbest">N best</label>
    <input id="nbest" type="number" min="1" max="{{BEAM}}" value="1" aria-describedby="nbest-hint">
    <span id="nbest-hint" class="hint">how many of the beam's {{BEAM}} hypotheses to list</span>
  </div>
</form>
<p id="error" role="alert" hidden></p>
<h2 id="translation-heading">{{TARGET_NAME}} translation</h2>
<div id="translation" lang="{{TARGET}}" aria-labelledby="translation-heading" aria-live="polite" aria-busy="false"></div>
<section id="nbest-section" hidden aria-labelledby="nbest-heading">
  <h2 id="nbest-heading">N best</h2>
  <ol id="alternatives" lang="{{TARGET}}" aria-live="polite"></ol>
</section>
<section id="attention-section" aria-labelledby="attention-heading">
  <h2 id="attention-heading">Attention</h2>
  <div class="row">
    <label for="attention-line">Line</label>
    <select id="attention-line" disabled></select>
    <button id="attention-button" type="button" disabled>Show attention</button>
  </div>
  <div id="heatmap" class="scroll" aria-live="polite"></div>
</section>
<p id="attention-note" class="hint" role="status" hidden>This server has no attention heatmap (it has no POST /v1/translate).</p>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const source = document.body.dataset.source, target = document.body.dataset.target;
let generation = 0;          // answers to an older request than the last are dropped

function showError(message) {
  $("error").textContent = message ? "Error: " + message : "";
  $("error").hidden = !message;
}

// POSTs JSON; resolves to the answer's JSON, or throws an Error carrying the server's
// {"error": …} message and the status.
async function post(path, body) {
  let response;
  try {
    response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch (failure) {
    throw new Error("the server cannot be reached (" + failure.message + ")");
  }
  let json = null;
  try { json = await response.json(); } catch (failure) { json = null; }
  if (!response.ok) {
    const error = new Error(json && typeof json.error === "string" ? json.error : "the server answered " + response.status);
    error.status = response.status;
    throw error;
  }
  if (json === null || typeof json !== "object") throw new Error("the server's answer is not JSON");
  return json;
}

async function translate() {
  const text = $("text").value;
  if (!text.trim()) { showError("type something to translate."); return; }
  const n = Math.max(1, Math.min(Number(document.body.dataset.beam), Math.floor(Number($("nbest").value)) || 1));
  const mine = ++generation;
  showError("");
  $("translation").setAttribute("aria-busy", "true");
  try {
    const request = { q: text, source: source, target: target, format: "text" };
    if (n > 1) request.alternatives = n - 1;
    const answer = await post("/translate", request);
    if (mine !== generation) return;
    if (typeof answer.translatedText !== "string") throw new Error("the answer has no translatedText");
    $("translation").textContent = answer.translatedText;
    const list = $("alternatives");
    list.replaceChildren();
    if (n > 1) {
      for (const hypothesis of [answer.translatedText].concat(answer.alternatives || [])) {
        const item = document.createElement("li");
        item.textContent = hypothesis;
        list.appendChild(item);
      }
    }
    $("nbest-section").hidden = n <= 1;
    offerAttention(text);
  } catch (error) {
    if (mine === generation) showError(error.message);
  } finally {
    if (mine === generation) $("translation").setAttribute("aria-busy", "false");
  }
}

// The lines of the last text, to choose the heatmap's from.
function offerAttention(text) {
  const select = $("attention-line");
  select.replaceChildren();
  text.split("\n").forEach((line, index) => {
    if (!line.trim()) return;
    const option = document.createElement("option");
    option.value = line;
    option.textContent = (index + 1) + ": " + line;
    select.appendChild(option);
  });
  select.disabled = $("attention-button").disabled = select.options.length === 0;
  $("heatmap").replaceChildren();
}

async function showAttention() {
  const line = $("attention-line").value;
  if (!line) return;
  showError("");
  try {
    const answer = await post("/v1/translate", { text: [line], attention: true });
    const first = answer.translations && answer.translations[0];
    const map = first && first.attention;
    if (!map || !Array.isArray(map.source_tokens) || !Array.isArray(map.target_tokens) || !Array.isArray(map.weights)
        || map.weights.length !== map.target_tokens.length
        || map.weights.some((row) => !Array.isArray(row) || row.length !== map.source_tokens.length)) {
      throw new Error("the attention in the answer is not one row of source weights per target token");
    }
    drawHeatmap(map);
  } catch (error) {
    if (error.status === 404) {
      $("attention-section").hidden = true;   // a server without the native API: no heatmap
      $("attention-note").hidden = false;
      $("text").focus();
    } else {
      showError(error.message);
    }
  }
}

// Rows are target tokens, columns source tokens; a cell's shade and its printed percentage are
// the weight, and each row's largest is outlined and bold.
function drawHeatmap(map) {
  const table = document.createElement("table");
  table.id = "heatmap-table";
  const caption = table.createCaption();
  caption.textContent = "Attention weights in percent: a row per target token, a column per source token; each row's largest is outlined.";
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement("td"));
  for (const token of map.source_tokens) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = token;
    head.appendChild(cell);
  }
  const body = table.createTBody();
  map.weights.forEach((weights, row) => {
    const tr = body.insertRow();
    const header = document.createElement("th");
    header.scope = "row";
    header.textContent = map.target_tokens[row];
    tr.appendChild(header);
    const largest = weights.indexOf(Math.max(...weights));
    weights.forEach((weight, column) => {
      const cell = tr.insertCell();
      const w = Math.max(0, Math.min(1, Number(weight) || 0));
      cell.textContent = String(Math.round(w * 100));
      cell.style.background = "rgba(26, 95, 180, " + w.toFixed(3) + ")";
      cell.style.color = w > 0.5 ? "#fff" : "#000";
      if (column === largest) cell.className = "largest";
    });
  });
  $("heatmap").replaceChildren(table);
}

$("form").addEventListener("submit", (event) => { event.preventDefault(); translate(); });
$("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); translate(); }
});
$("attention-button").addEventListener("click", showAttention);
</script>
</body>
</html>
"""#
}

extension Server {
    /// `GET /`: the web page, logged like every request.
    func webPage(_ request: Request) -> Response {
        let start = ContinuousClock.now
        let html = WebPage.html(source: source, target: target, beam: beam, model: modelName)
        if !options.quiet {
            let milliseconds = start.duration(to: .now) / .milliseconds(1)
            FileSystem.printError("serve: \(request.method) \(request.uri.path) 200 0 sentences \(Int(milliseconds.rounded())) ms")
        }
        let headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: WebPage.contentSecurityPolicy]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
