import TestSupport
import Foundation
import Testing
import Eval

/// Every run of `Tests/Fixtures/score/cases.json`, through the library and through `nmt score`:
/// the printed line must be sacrebleu 2.6.0's to the last digit (signature identical but for the
/// version field) and the values within 1e-9 relative of its full-precision ones.
@Suite struct SacrebleuFixtureTests {
    @Test func fixturesArePresent() {
        #expect(ScoreFixture.all.count >= 150)
        #expect(Set(ScoreFixture.all.map(\.set)).count >= 30)
    }

    @Test(arguments: ScoreFixture.all)
    func libraryMatchesSacrebleu(_ fixture: ScoreFixture) throws {
        let root = NmtProcess.root.path + "/"
        let hypotheses = try SegmentFile.read(root + fixture.hypothesis)
        let references = try fixture.references.map { try SegmentFile.read(root + $0) }
        let scores = libraryScores(fixture, hypotheses: hypotheses, references: references)
        #expect(scores.map(\.line) == fixture.text)
        expectClose(scores.map(\.values), fixture.values)
    }

    @Test(arguments: ScoreFixture.all)
    func commandMatchesSacrebleu(_ fixture: ScoreFixture) throws {
        let text = try NmtProcess.run(fixture.commandLine, directory: NmtProcess.root)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stderr == "")
        #expect(text.stdout == fixture.text.map { $0 + "\n" }.joined())

        let json = try NmtProcess.run(fixture.commandLine + ["--json"], directory: NmtProcess.root)
        #expect(json.status == 0, "\(json.stderr)")
        let objects: [[String: Any]] = try (fixture.sentence ? json.stdout.split(separator: "\n").map(String.init) : [json.stdout])
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        expectClose(objects.map(ScoreFixture.Values.init(json:)), fixture.values)

        // Apart from the score's precision and our added statistics, sacrebleu's JSON object.
        guard let sacrebleuText = fixture.sacrebleuJSON, let ours = objects.first else { return }
        let sacrebleu = try JSONSerialization.jsonObject(with: Data(sacrebleuText.utf8)) as! [String: Any]
        for (key, value) in sacrebleu {
            if key == "score" {
                let rounded = Double(String(format: "%.\(fixture.width)f", ours["score"] as! Double))!
                #expect(rounded == (value as! NSNumber).doubleValue, "rounded score")
            } else {
                let expected = "\(value)".replacingOccurrences(of: "2.6.0", with: "nmt-\(Signature.toolkitVersion)")
                #expect(ours[key].map { "\($0)" } == expected, "JSON field \(key)")
            }
        }
    }

    /// The library's lines and values for one run, computed the way a caller would.
    func libraryScores(_ fixture: ScoreFixture, hypotheses: [String], references: [[String]])
        -> [(line: String, values: ScoreFixture.Values)] {
        let segments = hypotheses.indices
        if fixture.metric == "chrf" {
            let chrF = CHRF(lowercase: fixture.lowercase)
            let signature = chrF.signature(references: references.count)
            let scores = fixture.sentence
                ? segments.map { i in chrF.sentenceScore(hypothesis: hypotheses[i], references: references.map { $0[i] }) }
                : [chrF.corpusScore(hypotheses: hypotheses, references: references)]
            return scores.map { ($0.line(signature: signature, width: fixture.width), ScoreFixture.Values(score: $0.score)) }
        }
        let bleu = BLEU(tokenizer: BLEUTokenizer(rawValue: fixture.option("--tokenize") ?? "13a")!,
                        lowercase: fixture.lowercase,
                        smoothing: BLEU.Smoothing(name: fixture.option("--smooth") ?? "exp")!,
                        effectiveOrder: fixture.sentence)
        let signature = bleu.signature(references: references.count)
        let scores = fixture.sentence
            ? segments.map { i in bleu.sentenceScore(hypothesis: hypotheses[i], references: references.map { $0[i] }) }
            : [bleu.corpusScore(hypotheses: hypotheses, references: references)]
        return scores.map {
            ($0.line(signature: signature, width: fixture.width),
             ScoreFixture.Values(score: $0.score, counts: $0.counts, totals: $0.totals, precisions: $0.precisions,
                                 bp: $0.bp, sysLen: $0.sysLen, refLen: $0.refLen))
        }
    }

    /// Scores and floating-point values within 1e-9 relative, counts and lengths exact; reports
    /// the largest relative difference seen.
    func expectClose(_ got: [ScoreFixture.Values], _ expected: [ScoreFixture.Values]) {
        #expect(got.count == expected.count)
        var largest = 0.0
        func close(_ a: Double, _ b: Double, _ what: String) {
            if a != b { largest = max(largest, abs(a - b) / max(abs(a), abs(b))) }
            #expect(isClose(a, b), "\(what): \(a) vs sacrebleu's \(b)")
        }
        for (ours, theirs) in zip(got, expected) {
            close(ours.score, theirs.score, "score")
            guard theirs.counts != nil else { continue }
            #expect(ours.counts == theirs.counts)
            #expect(ours.totals == theirs.totals)
            #expect(ours.sysLen == theirs.sysLen)
            #expect(ours.refLen == theirs.refLen)
            close(ours.bp ?? .nan, theirs.bp!, "bp")
            #expect(ours.precisions?.count == theirs.precisions?.count)
            for (a, b) in zip(ours.precisions ?? [], theirs.precisions!) { close(a, b, "precision") }
        }
        #expect(largest <= 1e-9, "largest relative difference \(largest)")
    }
}
