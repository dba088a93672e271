import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `nmt serve` for real: a server on a free loopback port with the translation fixture's model
/// (`Tests/Fixtures/translation/general`, beam 5), driven by URLSession.
@Suite(.serialized) struct ServeTests {
    static let model = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation/general").path
    static let input = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation/input.en").path

    struct Answer {
        var status: Int
        var body: Data
        var headers: [AnyHashable: Any]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var error: String? { json["error"] as? String }
    }

    static func send(_ server: ServerProcess, _ path: String, method: String = "POST", body: Data? = nil,
                     contentType: String? = "application/json") async throws -> Answer {
        var request = URLRequest(url: server.url(path))
        request.httpMethod = method
        request.httpBody = body
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return Answer(status: http.statusCode, body: data, headers: http.allHeaderFields)
    }

    static func json(_ server: ServerProcess, _ object: [String: Any]) async throws -> Answer {
        try await send(server, "/translate", body: try JSONSerialization.data(withJSONObject: object))
    }

    /// Waits (up to 30 s) until `GET /health` says `depth` lines are queued: the requests sent
    /// before are waiting for their batch, however loaded the machine is.
    static func waitForQueue(_ server: ServerProcess, depth: Int) async throws {
        let deadline = Date(timeIntervalSinceNow: 30)
        while Date() < deadline {
            let health = try await send(server, "/health", method: "GET")
            if health.json["queue_depth"] as? Int == depth { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the queue never held \(depth) lines")
    }

    /// What `nmt translate` prints for `lines` at beam 5.
    static func translate(_ lines: [String]) throws -> [String] {
        let result = try NmtProcess.run(["translate", "--model", model, "--beam", "5", "--quiet"],
                                        stdin: Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// q as a string and as an array, in JSON, a form and the query string; `auto`; alternatives;
    /// html; newlines: each answer is what `nmt translate` gives for its lines.
    @Test func libreTranslateRequestShapes() async throws {
        let server = try ServerProcess(["--model", Self.model, "--max-wait-ms", "5"])
        defer { #expect(server.stop() == 0) }
        let lines = ["This package provides the library.", "", "It contains the development files."]
        let expected = try Self.translate(lines)

        let single = try await Self.json(server, ["q": lines[0], "source": "en", "target": "fr"])
        #expect(single.status == 200 && single.json["translatedText"] as? String == expected[0], "\(single.json)")
        #expect(single.json["alternatives"] == nil && single.json["detectedLanguage"] == nil)

        let array = try await Self.json(server, ["q": lines, "source": "en", "target": "fr"])
        #expect(array.json["translatedText"] as? [String] == expected, "\(array.json)")

        let joined = try await Self.json(server, ["q": lines.joined(separator: "\n"), "source": "en", "target": "fr"])
        #expect(joined.json["translatedText"] as? String == expected.joined(separator: "\n"))

        let form = try await Self.send(server, "/translate", body: Data("q=This+package+provides+the+library.&source=auto&target=fr&alternatives=2".utf8),
                                       contentType: "application/x-www-form-urlencoded")
        #expect(form.json["translatedText"] as? String == expected[0], "\(form.json)")
        let alternatives = try #require(form.json["alternatives"] as? [String])
        #expect(alternatives.count == 2 && !alternatives.contains(expected[0]) && Set(alternatives).count == 2)
        let detectedLanguage = form.json["detectedLanguage"] as? [String: Any]
        #expect(detectedLanguage?["language"] as? String == "en")

        // Spaces as `%20`, and as `+` the way Python's requests sends `params` (deep-translator does).
        for spaced in ["This%20package%20provides%20the%20library.", "This+package+provides+the+library."] {
            let query = try await Self.send(server, "/translate?q=\(spaced)&source=en&target=fr", body: nil, contentType: nil)
            #expect(query.json["translatedText"] as? String == expected[0], "\(spaced): \(query.json)")
        }
        let detect = try await Self.send(server, "/detect", body: Data("q=Bonjour".utf8), contentType: "application/x-www-form-urlencoded")
        let detected = (try JSONSerialization.jsonObject(with: detect.body)) as? [[String: Any]]
        #expect(detected?.first?["language"] as? String == "en", "\(String(decoding: detect.body, as: UTF8.self))")

        let html = try await Self.json(server, ["q": "<p class=\"x\">This package provides the library.</p>\n<br/>",
                                                "source": "en", "target": "fr", "format": "html"])
        #expect(html.json["translatedText"] as? String == "<p class=\"x\">\(expected[0])</p>\n<br/>", "\(html.json)")

        let languages = try await Self.send(server, "/languages", method: "GET", contentType: nil)
        let list = (try JSONSerialization.jsonObject(with: languages.body)) as? [[String: Any]]
        #expect(list?.first?["code"] as? String == "en" && list?.first?["targets"] as? [String] == ["fr"])
        let health = try await Self.send(server, "/health", method: "GET", contentType: nil)
        #expect(health.json["model"] as? String == "fixture-general" && health.json["step"] as? Int == 1500)
        // The array of three lines: two to decode (an empty line is not decoded).
        #expect(server.stderr.contains("serve: POST /translate 200 2 sentences "), "\(server.stderr)")
    }

    /// Many clients at once, each with its own line: every answer equals `nmt translate`'s line
    /// (the engine batches them; a line's translation does not depend on its batch).
    @Test func concurrentRequestsAnswerAsTranslateDoes() async throws {
        let lines = try String(contentsOfFile: Self.input, encoding: .utf8).split(separator: "\n").prefix(40).map(String.init)
        let expected = try Self.translate(lines)
        let server = try ServerProcess(["--model", Self.model, "--max-wait-ms", "50", "--max-batch", "16"])
        defer { #expect(server.stop() == 0) }
        let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for (i, line) in lines.enumerated() {
                group.addTask { (i, try await Self.json(server, ["q": line, "source": "en", "target": "fr"]).json["translatedText"] as? String) }
            }
            var answers = [String?](repeating: nil, count: lines.count)
            for try await (i, text) in group { answers[i] = text }
            return answers
        }
        for i in lines.indices { #expect(answers[i] == expected[i], "line \(i + 1)") }
    }

    /// Each refusal with LibreTranslate's status and one `error` message.
    @Test func errors() async throws {
        let keys = try TemporaryDirectory()
        let keyFile = try keys.write("keys", "secret\n")
        let server = try ServerProcess(["--model", Self.model, "--max-request-bytes", "200", "--max-lines", "2", "--api-keys", keyFile])
        defer { #expect(server.stop() == 0) }
        func check(_ answer: Answer, _ status: Int, _ message: String) {
            #expect(answer.status == status && answer.error?.contains(message) == true, "\(answer.status) \(answer.json)")
        }
        check(try await Self.json(server, ["source": "en", "target": "fr", "api_key": "secret"]), 400, "missing q")
        check(try await Self.json(server, ["q": "a", "target": "fr", "api_key": "secret"]), 400, "missing source")
        check(try await Self.json(server, ["q": "a", "source": "de", "target": "fr", "api_key": "secret"]), 400, "this model translates en→fr")
        check(try await Self.json(server, ["q": 3, "source": "en", "target": "fr", "api_key": "secret"]), 400, "q must be")
        check(try await Self.send(server, "/translate", body: Data("{\"q\": ".utf8)), 400, "not JSON")
        check(try await Self.send(server, "/translate", body: Data([0x7B, 0xFF, 0x7D])), 400, "not UTF-8")
        check(try await Self.json(server, ["q": "a", "source": "en", "target": "fr"]), 403, "Invalid API key")
        check(try await Self.json(server, ["q": "a", "source": "en", "target": "fr", "api_key": "guess"]), 403, "Invalid API key")
        check(try await Self.json(server, ["q": String(repeating: "a ", count: 200), "source": "en", "target": "fr", "api_key": "secret"]),
              413, "larger than 200 bytes")
        check(try await Self.json(server, ["q": "a\nb\nc", "source": "en", "target": "fr", "api_key": "secret"]), 413, "at most 2")
        let fine = try await Self.json(server, ["q": "a\nb", "source": "en", "target": "fr", "api_key": "secret"])
        #expect(fine.status == 200, "\(fine.json)")
    }

    /// A full queue answers 503 with Retry-After: the first request waits for its batch (8 s),
    /// so a second one finds the queue of 1 line full.
    @Test func overloadedQueue() async throws {
        let server = try ServerProcess(["--model", Self.model, "--max-wait-ms", "8000", "--max-queue", "1"])
        defer { #expect(server.stop() == 0) }
        async let first = Self.json(server, ["q": "This package provides the library.", "source": "en", "target": "fr"])
        try await Self.waitForQueue(server, depth: 1)
        let second = try await Self.json(server, ["q": "It contains the files.", "source": "en", "target": "fr"])
        #expect(second.status == 503 && second.headers["Retry-After"] as? String == "1", "\(second.status) \(second.json)")
        #expect(try await first.status == 200)
    }

    /// SIGTERM with a request in flight: it is answered, then the server exits 0.
    @Test func gracefulShutdown() async throws {
        let server = try ServerProcess(["--model", Self.model, "--max-wait-ms", "8000"])
        async let inFlight = Self.json(server, ["q": "This package provides the library.", "source": "en", "target": "fr"])
        try await Self.waitForQueue(server, depth: 1)
        kill(server.process.processIdentifier, SIGTERM)
        let answer = try await inFlight
        #expect(answer.status == 200 && (answer.json["translatedText"] as? String)?.isEmpty == false)
        #expect(server.stop() == 0)
    }

    /// Options out of range and an empty key file: one error line, exit 1, nothing listens.
    @Test func badSettings() throws {
        let keys = try TemporaryDirectory()
        let empty = try keys.write("keys", "\n\n")
        for (arguments, message) in [(["--port", "70000"], "--port"), (["--max-batch", "0"], "--max-batch"),
                                     (["--api-keys", empty], "no API keys")] {
            let result = try NmtProcess.run(["serve", "--model", Self.model] + arguments)
            #expect(result.status == 1 && result.stderr.contains(message) && result.stderr.split(separator: "\n").count <= 2,
                    "\(arguments): \(result.stderr)")
        }
    }
}
