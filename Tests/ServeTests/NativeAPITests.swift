import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// The native API (`POST /v1/translate`) and `GET /metrics` for real: a server on a free loopback
/// port with the translation fixture's model (beam 5), driven by URLSession, its answers compared
/// with what `nmt translate` prints at the same settings.
@Suite(.serialized) struct NativeAPITests {
    typealias Answer = ServeTests.Answer

    static func native(_ server: ServerProcess, _ object: [String: Any]) async throws -> Answer {
        try await ServeTests.send(server, "/v1/translate", body: try JSONSerialization.data(withJSONObject: object))
    }

    static func lines(_ count: Int) throws -> [String] {
        try String(contentsOfFile: ServeTests.input, encoding: .utf8).split(separator: "\n").prefix(count).map(String.init)
    }

    /// `nmt translate --n-best N` at `arguments`: per input line, its (translation, score)s.
    static func nBest(_ lines: [String], _ arguments: [String]) throws -> [[(String, Double)]] {
        let result = try NmtProcess.run(["translate", "--model", ServeTests.model, "--quiet"] + arguments,
                                        stdin: Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0, "\(result.stderr)")
        var entries = [[(String, Double)]](repeating: [], count: lines.count)
        for line in result.stdout.split(separator: "\n") {
            let fields = line.components(separatedBy: " ||| ")
            entries[Int(fields[0])!].append((fields[1], Double(fields[2])!))
        }
        return entries
    }

    /// The answer's entries: (translation, score, n_best as (translation, score)s).
    static func entries(_ answer: Answer) -> [(String, Double, [(String, Double)])] {
        ((answer.json["translations"] as? [[String: Any]]) ?? []).map { entry in
            let nBest = ((entry["n_best"] as? [[String: Any]]) ?? []).map { ($0["translation"] as? String ?? "?", $0["score"] as? Double ?? .nan) }
            return (entry["translation"] as? String ?? "?", entry["score"] as? Double ?? .nan, nBest)
        }
    }

    /// Per request: n_best, beam and length_penalty give what `nmt translate` gives at those
    /// settings, line for line, N best sorted; requests at different settings sent at once (and so
    /// queued together) each get their own settings' answers.
    @Test func settingsPerRequestEqualTranslate() async throws {
        let lines = try Self.lines(6) + [""]
        let cases: [([String: Any], [String])] = [
            (["n_best": 3], ["--n-best", "3"]),
            (["beam": 2, "n_best": 2], ["--beam", "2", "--n-best", "2"]),
            (["beam": 1], ["--beam", "1", "--n-best", "1"]),
            (["length_penalty": 0, "n_best": 5], ["--length-penalty", "0", "--n-best", "5"]),
        ]
        let expected = try cases.map { try Self.nBest(lines, $0.1) }
        let server = try ServerProcess(["--model", ServeTests.model, "--max-wait-ms", "200", "--quiet"])
        defer { #expect(server.stop() == 0) }
        let bodies = try cases.map { try JSONSerialization.data(withJSONObject: $0.0.merging(["text": lines]) { a, _ in a }) }
        let answers = try await withThrowingTaskGroup(of: (Int, Int, Data).self) { group in
            for (i, body) in bodies.enumerated() {
                group.addTask {
                    let answer = try await ServeTests.send(server, "/v1/translate", body: body)
                    return (i, answer.status, answer.body)
                }
            }
            var answers = [Int: Answer]()
            for try await (i, status, body) in group { answers[i] = Answer(status: status, body: body, headers: [:]) }
            return answers
        }
        for (c, (settings, arguments)) in cases.enumerated() {
            let answer = try #require(answers[c])
            #expect(answer.status == 200, "\(settings): \(answer.json)")
            let got = Self.entries(answer)
            try #require(got.count == lines.count, "\(settings): \(answer.json)")
            for i in lines.indices {
                let want = expected[c][i]
                #expect(got[i].0 == want[0].0 && abs(got[i].1 - want[0].1) < 1e-4, "\(arguments) line \(i): \(got[i]) vs \(want[0])")
                guard settings["n_best"] != nil else { #expect(got[i].2.isEmpty); continue }
                #expect(got[i].2.count == want.count && got[i].2.count <= settings["n_best"] as! Int, "\(arguments) line \(i)")
                for (a, b) in zip(got[i].2, want) {
                    #expect(a.0 == b.0 && abs(a.1 - b.1) < 1e-4, "\(arguments) line \(i): \(a) vs \(b)")
                }
                #expect(zip(got[i].2, got[i].2.dropFirst()).allSatisfy { $0.1 >= $1.1 }, "\(arguments) line \(i): not best first")
            }
        }
    }

    /// attention: one row per output token and `<eos>`, one column per source token (after BPE),
    /// each row a distribution; the translations are those without attention.
    @Test func attentionShapes() async throws {
        let lines = try Self.lines(4) + [""]
        let server = try ServerProcess(["--model", ServeTests.model, "--quiet"])
        defer { #expect(server.stop() == 0) }
        let plain = try await Self.native(server, ["text": lines])
        let answer = try await Self.native(server, ["text": lines, "attention": true])
        #expect(answer.status == 200, "\(answer.json)")
        #expect(Self.entries(answer).map(\.0) == Self.entries(plain).map(\.0))
        let translations = try #require(answer.json["translations"] as? [[String: Any]])
        try #require(translations.count == lines.count)
        #expect(plain.json["translations"].map { ($0 as? [[String: Any]])?.allSatisfy { $0["attention"] == nil } } == true)
        for (i, entry) in translations.enumerated() {
            let attention = try #require(entry["attention"] as? [String: Any], "line \(i): \(entry)")
            let source = try #require(attention["source_tokens"] as? [String])
            let target = try #require(attention["target_tokens"] as? [String])
            let weights = try #require(attention["weights"] as? [[Double]])
            #expect(target.last == "<eos>" && weights.count == target.count, "line \(i): \(target.count) tokens, \(weights.count) rows")
            if lines[i].isEmpty {
                #expect(source.isEmpty && target == ["<eos>"])
                continue
            }
            #expect(source.count >= lines[i].split(separator: " ").count && target.count >= 2, "line \(i): \(source) → \(target)")
            for (t, row) in weights.enumerated() {
                #expect(row.count == source.count && abs(row.reduce(0, +) - 1) < 1e-4 && row.allSatisfy { $0 >= 0 },
                        "line \(i) row \(t): \(row.count) columns for \(source.count) tokens, sum \(row.reduce(0, +))")
            }
        }
    }

    /// Bad requests: 400 with an error naming the field.
    @Test func badRequests() async throws {
        let server = try ServerProcess(["--model", ServeTests.model, "--quiet"])
        defer { #expect(server.stop() == 0) }
        let cases: [([String: Any], String)] = [
            ([:], "missing text"),
            (["text": "a line"], "text must be an array"),
            (["text": ["a", 3]], "text[1] must be a string"),
            (["text": ["a", "b\nc"]], "text[1] holds a line break"),
            (["text": ["a"], "beam": 0], "beam must be a whole number in 1...256"),
            (["text": ["a"], "beam": 257], "beam must be"),
            (["text": ["a"], "beam": 2.5], "beam must be"),
            (["text": ["a"], "beam": "5"], "beam must be"),
            (["text": ["a"], "beam": true], "beam must be"),
            (["text": ["a"], "n_best": 6], "n_best 6 is larger than the beam (5)"),
            (["text": ["a"], "beam": 2, "n_best": 3], "n_best 3 is larger than the beam (2)"),
            (["text": ["a"], "n_best": 0], "n_best must be"),
            (["text": ["a"], "length_penalty": -1], "length_penalty must be a number in"),
            (["text": ["a"], "length_penalty": 10.5], "length_penalty must be"),
            (["text": ["a"], "attention": "yes"], "attention must be true or false"),
            (["text": ["a"], "attention": 1], "attention must be"),
            (["text": ["a"], "nbest": 2], "unknown field nbest"),
        ]
        for (body, message) in cases {
            let answer = try await Self.native(server, body)
            #expect(answer.status == 400 && answer.error?.contains(message) == true, "\(body): \(answer.status) \(answer.json)")
        }
        for (body, message) in [("{\"text\": ", "not JSON"), ("[\"a\"]", "must be a JSON object")] {
            let answer = try await ServeTests.send(server, "/v1/translate", body: Data(body.utf8))
            #expect(answer.status == 400 && answer.error?.contains(message) == true, "\(body): \(answer.status) \(answer.json)")
        }
        let notUTF8 = try await ServeTests.send(server, "/v1/translate", body: Data([0x7B, 0xFF, 0x7D]))
        #expect(notUTF8.status == 400 && notUTF8.error?.contains("not UTF-8") == true)
        // Still serving.
        let fine = try await Self.native(server, ["text": ["a"], "beam": 1])
        #expect(fine.status == 200, "\(fine.json)")
    }

    /// --api-keys (403), --max-lines (413) and --max-request-bytes (413) hold for the native API
    /// too; more settings than the engine keeps translators for still answer as before.
    @Test func limitsKeysAndManySettings() async throws {
        let keys = try TemporaryDirectory()
        let keyFile = try keys.write("keys", "secret\n")
        let server = try ServerProcess(["--model", ServeTests.model, "--max-lines", "2", "--max-request-bytes", "300",
                                        "--api-keys", keyFile, "--quiet"])
        defer { #expect(server.stop() == 0) }
        let line = try Self.lines(1)[0]
        func check(_ answer: Answer, _ status: Int, _ message: String) {
            #expect(answer.status == status && answer.error?.contains(message) == true, "\(answer.status) \(answer.json)")
        }
        check(try await Self.native(server, ["text": ["a"]]), 403, "Invalid API key")
        check(try await Self.native(server, ["text": ["a"], "api_key": "guess"]), 403, "Invalid API key")
        check(try await Self.native(server, ["text": ["a", "b", "c"], "api_key": "secret"]), 413, "at most 2")
        check(try await Self.native(server, ["text": [String(repeating: "a ", count: 200)], "api_key": "secret"]), 413, "larger than 300")
        let first = try await Self.native(server, ["text": [line], "beam": 2, "api_key": "secret"])
        #expect(first.status == 200, "\(first.json)")
        for beam in [1, 3, 4, 6, 7, 8] {
            #expect(try await Self.native(server, ["text": [line], "beam": beam, "api_key": "secret"]).status == 200)
        }
        let again = try await Self.native(server, ["text": [line], "beam": 2, "api_key": "secret"])
        #expect(Self.entries(again).map(\.0) == Self.entries(first).map(\.0) && !Self.entries(first).isEmpty)
    }

    /// /metrics counts exactly the requests this test made, by path and status; sentences and
    /// output tokens are those the answers show.
    @Test func metricsCountRequests() async throws {
        let server = try ServerProcess(["--model", ServeTests.model, "--quiet"])
        defer { #expect(server.stop() == 0) }
        let lines = try Self.lines(3)
        var tokens = [Int]()               // of each line translated, <eos> not counted
        for _ in 0..<2 {
            let answer = try await Self.native(server, ["text": lines, "attention": true])
            #expect(answer.status == 200)
            for entry in (answer.json["translations"] as? [[String: Any]]) ?? [] {
                // A long line is decoded in pieces, each ending in its own <eos>.
                tokens.append(((entry["attention"] as? [String: Any])?["target_tokens"] as? [String] ?? []).filter { $0 != "<eos>" }.count)
            }
        }
        #expect(try await Self.native(server, ["text": ["a"], "beam": 0]).status == 400)
        #expect(try await ServeTests.json(server, ["q": lines[0], "source": "en", "target": "fr"]).status == 200)
        #expect(try await ServeTests.send(server, "/nowhere", method: "GET", contentType: nil).status == 404)

        let answer = try await ServeTests.send(server, "/metrics", method: "GET", contentType: nil)
        #expect(answer.status == 200 && (answer.headers["Content-Type"] as? String)?.hasPrefix("text/plain") == true)
        let text = String(decoding: answer.body, as: UTF8.self)
        func sample(_ name: String, _ labels: [String] = []) -> Double? {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                guard parts.count == 2 else { continue }
                let key = String(parts[0])
                let bare = key.split(separator: "{").first.map(String.init) ?? key
                guard bare == name, labels.allSatisfy({ key.contains($0) }) else { continue }
                return Double(parts[1])
            }
            return nil
        }
        #expect(sample("nmt_requests_total", ["path=\"/v1/translate\"", "status=\"200\""]) == 2, "\(text)")
        #expect(sample("nmt_requests_total", ["path=\"/v1/translate\"", "status=\"400\""]) == 1, "\(text)")
        #expect(sample("nmt_requests_total", ["path=\"/translate\"", "status=\"200\""]) == 1, "\(text)")
        #expect(sample("nmt_requests_total", ["path=\"other\"", "status=\"404\""]) == 1, "\(text)")
        #expect(sample("nmt_request_duration_seconds_count", ["path=\"/v1/translate\""]) == 3, "\(text)")
        #expect(sample("nmt_sentences_total") == 7, "\(text)")
        // The /translate request translated lines[0] too.
        #expect(sample("nmt_output_tokens_total") == Double(tokens.reduce(0, +) + tokens[0]), "\(text)")
        #expect(sample("nmt_batch_size_count") == 3 && sample("nmt_batch_size_sum") == 7, "\(text)")
        #expect(sample("nmt_queue_depth") == 0, "\(text)")
    }
}
