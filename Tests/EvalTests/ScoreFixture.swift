import TestSupport
import Eval
import Foundation
import Testing

/// One run of `Tests/Fixtures/score/cases.json` (written by `Tests/Fixtures/make_score_fixtures.py`):
/// a hypothesis/reference set, `nmt score` options, and what sacrebleu 2.6.0 printed and computed.
struct ScoreFixture: Sendable, CustomTestStringConvertible {
    /// sacrebleu's values at full precision, for the corpus or for one segment.
    struct Values: Sendable {
        var score: Double
        var counts: [Int]?
        var totals: [Int]?
        var precisions: [Double]?
        var bp: Double?
        var sysLen: Int?
        var refLen: Int?
    }

    var set: String
    var arguments: [String]
    /// Paths relative to the repository root.
    var hypothesis: String
    var references: [String]
    /// sacrebleu's `-f text` lines, with its version replaced by ours.
    var text: [String]
    /// sacrebleu's `-f json` object (corpus runs only), as `[String: Any]` rendered to JSON text.
    var sacrebleuJSON: String?
    var values: [Values]

    var testDescription: String { "\(set) \(arguments.joined(separator: " "))" }

    var sentence: Bool { arguments.contains("--sentence") }
    var metric: String { option("--metric") ?? "bleu" }
    var lowercase: Bool { arguments.contains("--lowercase") }
    var width: Int { option("--width").flatMap(Int.init) ?? 1 }

    func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).map { arguments[$0 + 1] }
    }

    /// The `nmt score` command line for this run.
    var commandLine: [String] {
        ["score"] + references.flatMap { ["--ref", $0] } + ["--hyp", hypothesis] + arguments
    }

    static let directory = NmtProcess.root.appendingPathComponent("Tests/Fixtures/score")

    /// All runs, or none when the file is missing (a test checks the count).
    static let all: [ScoreFixture] = (try? load()) ?? []

    static func load() throws -> [ScoreFixture] {
        let data = try Data(contentsOf: directory.appendingPathComponent("cases.json"))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let ourVersion = "version:nmt-\(Signature.toolkitVersion)"
        return (root["cases"] as! [[String: Any]]).map { run in
            let sacrebleuJSON = (run["json"] as? [String: Any]).map {
                String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self)
            }
            return ScoreFixture(
                set: run["set"] as! String, arguments: run["args"] as! [String],
                hypothesis: run["hyp"] as! String, references: run["refs"] as! [String],
                text: (run["text"] as! [String]).map { $0.replacingOccurrences(of: "version:2.6.0", with: ourVersion) },
                sacrebleuJSON: sacrebleuJSON,
                values: (run["values"] as! [[String: Any]]).map(Values.init(json:)))
        }
    }
}

extension ScoreFixture.Values {
    init(json: [String: Any]) {
        score = (json["score"] as! NSNumber).doubleValue
        counts = (json["counts"] as? [NSNumber])?.map(\.intValue)
        totals = (json["totals"] as? [NSNumber])?.map(\.intValue)
        precisions = (json["precisions"] as? [NSNumber])?.map(\.doubleValue)
        bp = (json["bp"] as? NSNumber)?.doubleValue
        sysLen = (json["sys_len"] as? NSNumber)?.intValue
        refLen = (json["ref_len"] as? NSNumber)?.intValue
    }
}

/// |a - b| ≤ 1e-9 · max(|a|, |b|), or both within 1e-12 of 0.
func isClose(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= 1e-9 * max(abs(a), abs(b)) || abs(a - b) <= 1e-12
}
