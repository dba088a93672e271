import Foundation
import TestSupport
import Testing

/// `nmt bench train` end to end: the contract's JSON line, and usage errors.
@Suite struct BenchCommandTests {
    /// One timed step of config S (a few seconds in a debug build): one JSON object, one line, with
    /// the contract's keys and sane values.
    @Test func trainPrintsOneJSONLine() throws {
        let result = try NmtProcess.run(["bench", "train", "--config", "S", "--loss", "full", "--steps", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 1, "\(result.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["target_tokens", "seconds", "tokens_per_second", "peak_rss_mb", "config", "loss", "steps"] {
            #expect(object[key] != nil, "no \(key) in \(lines[0])")
        }
        #expect(object["config"] as? String == "S" && object["loss"] as? String == "full" && object["steps"] as? Int == 1)
        let tokens = try #require(object["target_tokens"] as? Int)
        #expect((5 + 1) * 64 <= tokens && tokens <= 25 * 64)          // one batch of 64 sentences, n + 1 ∈ [6, 25]
        let seconds = try #require(object["seconds"] as? Double), rate = try #require(object["tokens_per_second"] as? Double)
        #expect(seconds > 0 && abs(rate * seconds - Double(tokens)) < 1e-6 * Double(tokens))
        #expect((object["peak_rss_mb"] as? Double ?? 0) > 10)
        let loss = try #require(object["last_loss"] as? Double)
        #expect(loss > 0 && loss < 25 * log(8000.0) * 1.5, "loss \(loss)")
    }

    /// Two batches of config S, greedy, under both schedules: the same sources and weights, so
    /// only the schedule can make the outputs differ (the peer's loop gives every sentence more).
    @Test func translatePrintsOneJSONLineUnderEitherSchedule() throws {
        var tokens = [String: Int]()
        for schedule in ["translate", "peer"] {
            let result = try NmtProcess.run(["bench", "translate", "--config", "S", "--beam", "1", "--sentences", "128",
                                             "--schedule", schedule])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            try #require(lines.count == 1, "\(result.stdout)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            for key in ["sentences", "seconds", "sentences_per_second", "peak_rss_mb"] {
                #expect(object[key] != nil, "no \(key) in \(lines[0])")
            }
            #expect(object["sentences"] as? Int == 128 && object["schedule"] as? String == schedule)
            tokens[schedule] = try #require(object["output_tokens"] as? Int)
        }
        let own = try #require(tokens["translate"]), loop = try #require(tokens["peer"])
        #expect(own > 0 && own <= 128 * 40 && loop <= 128 * 39)     // |x| ≤ 20: at most 2·20 tokens before <eos>
        #expect(own < loop, "own limits \(own) tokens, the peer's loop \(loop)")
    }

    @Test func usageErrors() throws {
        let steps = try NmtProcess.run(["bench", "train", "--config", "S", "--loss", "full", "--steps", "0"])
        #expect(steps.status == 1)
        #expect(steps.stderr.hasPrefix("nmt: error: --steps must be in 1...1000000"), "\(steps.stderr)")
        let config = try NmtProcess.run(["bench", "train", "--config", "L", "--loss", "full"])
        #expect(config.status == 1)
        #expect(config.stderr.hasPrefix("nmt: error: ") && config.stderr.contains("--config"), "\(config.stderr)")
        let missing = try NmtProcess.run(["bench", "train", "--config", "M"])
        #expect(missing.status == 1 && missing.stderr.contains("--loss"), "\(missing.stderr)")
    }
}
