import Foundation
import Testing
import TestSupport

/// The instruction set whose kernels this CPU runs: x86-64-v4 (AVX-512: our kernels' v4 clones,
/// OpenBLAS's SkylakeX kernels), x86-64-v3 (AVX2 and FMA) or older.
private let cpuKernels: String = {
    let flags = ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
        .split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
    return flags.contains("avx512f") ? "x86-64-v4" : flags.isSuperset(of: ["avx2", "fma"]) ? "x86-64-v3" : "x86-64"
}()
private let fixtureKernels = ((try? String(contentsOf: NmtProcess.root.appendingPathComponent(
    "Tests/Fixtures/translation/kernels.txt"), encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)

/// Two models trained by the nmt of commit 12f1b18, frozen with their translations and training
/// curve by `Tests/Fixtures/translation/make.sh`: a change to the decoder, the encoder or the
/// searches must translate them to the same bytes, and training from the same recipe and seed must
/// give the same per-step perplexities.
///
/// Bits depend on the kernels a CPU gets (OpenBLAS's and the clones of `CKernels`, which fuse
/// multiply-adds differently): `kernels.txt` says which the fixture was made with, and the suite
/// runs on CPUs that get the same.
@Suite(.enabled(if: cpuKernels == fixtureKernels, "the fixture was made with \(fixtureKernels) kernels, this CPU runs \(cpuKernels)"))
struct FixtureModelTests {
    static let fixtures = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation")
    static let scores = ["general", "concat"]

    static func expected(_ score: String, _ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent("\(score)/\(file)")))
    }

    /// Beam 1 (greedy) and beam 5 byte for byte; the 3 best of beam 5 with the same hypotheses in
    /// the same order and scores within 1e-5 (a debug build's C kernels round the sixth decimal of a
    /// score differently from the release build that made the fixture; a release build matches it
    /// byte for byte).
    @Test(arguments: scores, [["--beam", "1"], ["--beam", "5"], ["--beam", "5", "--n-best", "3"]])
    func translatesAsBefore(score: String, options: [String]) throws {
        let model = Self.fixtures.appendingPathComponent(score).path, input = Self.fixtures.appendingPathComponent("input.en").path
        let result = try NmtProcess.run(["translate", "--model", model, "--input", input, "--quiet"] + options)
        #expect(result.status == 0, "\(result.stderr)")
        let nBest = options.contains("--n-best")
        let expected = String(decoding: try Self.expected(score, nBest ? "nbest3.txt" : "beam\(options[1]).fr"), as: UTF8.self)
        let got = String(decoding: result.stdoutBytes, as: UTF8.self)
        if !nBest {
            #expect(got == expected, "\(score) \(options): \(Self.firstDifference(got, expected))")
            return
        }
        let gotEntries = got.split(separator: "\n").map { $0.components(separatedBy: " ||| ") }
        let expectedEntries = expected.split(separator: "\n").map { $0.components(separatedBy: " ||| ") }
        #expect(gotEntries.count == expectedEntries.count)
        for (line, (a, b)) in zip(gotEntries, expectedEntries).enumerated() {
            #expect(a.count == 3 && a[0] == b[0] && a[1] == b[1] && abs(Double(a[2])! - Double(b[2])!) <= 1e-5,
                    "\(score) n-best line \(line + 1): got \(a), expected \(b)")
            if a.count != 3 || a[0] != b[0] || a[1] != b[1] { break }
        }
    }

    /// The first 100 steps from the fixture's recipe and seed (dropout on; sampled softmax for
    /// `general`): each step's train perplexity equals the frozen one, |Δ log ppl| ≤ 1e-5.
    @Test(arguments: scores)
    func trainsAsBefore(score: String) throws {
        let scratch = try TemporaryDirectory()
        let corpus = scratch.path("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        let shipped = NmtProcess.root.appendingPathComponent("corpora/ddtp-en-fr")
        for side in ["en", "fr"] {
            for (split, count) in [("train", 8000), ("dev", 200), ("test", 100)] {
                let text = try String(contentsOf: shipped.appendingPathComponent("\(split).\(side)"), encoding: .utf8)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(count)
                try scratch.write("corpus/\(split).\(side)", lines.joined(separator: "\n") + "\n")
            }
        }
        let loss = score == "general" ? "sampled" : "full"
        let recipe = try String(contentsOf: Self.fixtures.appendingPathComponent("\(score).yaml"), encoding: .utf8)
            .replacingOccurrences(of: "CORPUS", with: corpus)
            .replacingOccurrences(of: "loss: full", with: "loss: \(loss)")
            .replacingOccurrences(of: "max_steps: 1500, eval_every: 500, log_every: 500",
                                  with: "max_steps: 100, eval_every: 1000, log_every: 1")
        try scratch.write("recipe.yaml", recipe)
        let result = try NmtProcess.run(["train", "--recipe", "recipe.yaml", "--out", "run", "--quiet"], directory: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
        var got = [Int: Double]()
        for line in try String(contentsOfFile: scratch.path("run/log.jsonl"), encoding: .utf8).split(separator: "\n") {
            let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if let ppl = entry["train_perplexity"] as? Double, let step = entry["step"] as? Int { got[step] = ppl }
        }
        let frozen = try String(decoding: Self.expected(score, "train100.txt"), as: UTF8.self).split(separator: "\n").map {
            let fields = $0.split(separator: " ")
            return (Int(fields[0])!, Double(fields[1])!)
        }
        #expect(frozen.count == 100 && got.count == 100)
        for (step, ppl) in frozen {
            let now = try #require(got[step], "step \(step) not logged")
            #expect(abs(log(now) - log(ppl)) <= 1e-5, "step \(step): ppl \(now), frozen \(ppl)")
        }
    }

    /// The first line where `a` and `b` differ.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(x.count, y.count) where i >= x.count || i >= y.count || x[i] != y[i] {
            return "\(i + 1): got \(i < x.count ? String(x[i]) : "nothing"), expected \(i < y.count ? String(y[i]) : "nothing")"
        }
        return "none"
    }
}
