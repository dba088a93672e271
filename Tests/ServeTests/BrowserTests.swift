import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// The web page at `GET /` in a real browser: headless Chromium (Debian's `chromium`, which
/// `.ci/setup` installs) loads it from a server on a free port, and the test types and presses
/// keys through the DevTools Protocol's input events, then reads the page.
@Suite(.serialized) struct BrowserTests {
    static let sentence = "This package provides the library."

    @Test(.enabled(if: Chromium.executable != nil, "no chromium binary on PATH (apt-get install chromium)"),
          .timeLimit(.minutes(2)))
    func pageTranslatesWhatIsTyped() async throws {
        let server = try ServerProcess(["--model", ServeTests.model, "--max-wait-ms", "5", "--max-lines", "3"])
        defer { #expect(server.stop() == 0) }

        // What the page is, before a browser sees it.
        let page = try await ServeTests.send(server, "/", method: "GET", contentType: nil)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200 && page.headers["Content-Type"] as? String == "text/html; charset=utf-8")
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("English → French"))
        for external in ["src=", "href=", "@import", "url("] { #expect(!html.contains(external), "the page loads \(external)") }

        let browser = try await Chromium(opening: server.url("/"))
        defer { browser.stop() }
        try await browser.wait(for: "document.readyState === 'complete' && document.getElementById('text') !== null")

        // Type into the labelled box; Ctrl+Enter translates.
        #expect(try await browser.evaluate("document.querySelector('label[for=text]').textContent") as? String == "English text")
        _ = try await browser.evaluate("document.getElementById('text').focus()")
        try await browser.type(Self.sentence)
        #expect(try await browser.evaluate("document.getElementById('text').value") as? String == Self.sentence)
        try await browser.press("Enter", code: "Enter", keyCode: 13, modifiers: 2)
        let shown = try await browser.wait(for: "document.getElementById('translation').textContent") as? String
        let expected = try ServeTests.translate([Self.sentence])
        #expect(shown == expected[0], "the page shows \(String(describing: shown)); nmt translate gives \(expected[0])")
        #expect(try await browser.evaluate("document.getElementById('text').value") as? String == Self.sentence,
                "Ctrl+Enter must not add a newline")
        #expect(try await browser.evaluate("document.getElementById('translation').getAttribute('aria-live')") as? String == "polite")

        // Tab from the box reaches the button, then N best; 3 typed there and the button clicked
        // lists the 3 best, as POST /translate gives them.
        _ = try await browser.evaluate("document.getElementById('text').focus()")
        try await browser.press("Tab", code: "Tab", keyCode: 9)
        #expect(try await browser.evaluate("document.activeElement.id") as? String == "translate")
        try await browser.press("Tab", code: "Tab", keyCode: 9)
        #expect(try await browser.evaluate("document.activeElement.id") as? String == "nbest")
        _ = try await browser.evaluate("document.getElementById('nbest').select()")
        try await browser.type("3")
        try await browser.click("translate")
        let listed = try await browser.wait(for: """
            (() => { const items = [...document.querySelectorAll('#alternatives li')].map((li) => li.textContent);
                     return items.length === 3 ? items : null; })()
            """) as? [String]
        let direct = try await ServeTests.json(server, ["q": Self.sentence, "source": "en", "target": "fr", "alternatives": 2])
        let best = [direct.json["translatedText"] as? String ?? ""] + (direct.json["alternatives"] as? [String] ?? [])
        #expect(listed == best, "the page lists \(String(describing: listed)); POST /translate gives \(best)")

        // The heatmap: drawn from POST /v1/translate where the server has it, hidden where it answers 404.
        try await browser.click("attention-button")
        try await browser.wait(for: "document.getElementById('attention-section').hidden || document.getElementById('heatmap-table') !== null")
        let nativeAnswer = try await ServeTests.send(server, "/v1/translate",
                                                     body: try JSONSerialization.data(withJSONObject: ["text": [Self.sentence], "attention": true]))
        if nativeAnswer.status == 404 {
            #expect(try await browser.evaluate("document.getElementById('attention-section').hidden") as? Bool == true)
            #expect(try await browser.evaluate("document.getElementById('attention-note').hidden") as? Bool == false)
        } else {
            let translations = nativeAnswer.json["translations"] as? [[String: Any]]
            let attention = translations?.first?["attention"] as? [String: Any]
            let targetTokens = try #require(attention?["target_tokens"] as? [String], "\(nativeAnswer.json)")
            let sourceTokens = try #require(attention?["source_tokens"] as? [String])
            let shape = try await browser.evaluate("""
                (() => { const t = document.getElementById('heatmap-table');
                         return [t.tBodies[0].rows.length, t.tHead.rows[0].cells.length - 1]; })()
                """) as? [Int]
            #expect(shape == [targetTokens.count, sourceTokens.count])
        }

        // The server's error is shown: four lines where the server takes three.
        _ = try await browser.evaluate("document.getElementById('text').select()")
        try await browser.type("One.\nTwo.\nThree.\nFour.")
        try await browser.press("Enter", code: "Enter", keyCode: 13, modifiers: 2)
        let error = try await browser.wait(for: "!document.getElementById('error').hidden && document.getElementById('error').textContent") as? String
        #expect(error?.contains("at most 3") == true, "\(String(describing: error))")
        #expect(try await browser.evaluate("document.getElementById('error').getAttribute('role')") as? String == "alert")
    }
}
