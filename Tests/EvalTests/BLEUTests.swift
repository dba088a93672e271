import TestSupport
import Foundation
import Testing
@testable import Eval

/// The library API that training uses, beyond the fixtures.
@Suite struct BLEUTests {
    static func testSet() throws -> (hypotheses: [String], references: [String]) {
        let root = NmtProcess.root.path
        return (try SegmentFile.read(root + "/Tests/Fixtures/score/ddtp_test_fr/hyp.txt"),
                try SegmentFile.read(root + "/corpora/ddtp-en-fr/test.fr"))
    }

    @Test func preparedReferencesGiveTheSameScores() throws {
        let (hypotheses, references) = try Self.testSet()
        let bleu = BLEU()
        let prepared = bleu.references([references])
        #expect(prepared.count == 1 && prepared.segments == references.count)
        let direct = bleu.corpusScore(hypotheses: hypotheses, references: [references])
        #expect(bleu.corpusScore(hypotheses: hypotheses, references: prepared) == direct)
        #expect(isClose(bleu.corpusScore(hypotheses: references, references: prepared).score, 100))
        let statistics = bleu.statistics(hypotheses: hypotheses, references: prepared)
        #expect(bleu.score(statistics.reduce(BLEUStatistics(), +)) == direct)

        let chrF = CHRF()
        #expect(chrF.corpusScore(hypotheses: hypotheses, references: chrF.references([references]))
                == chrF.corpusScore(hypotheses: hypotheses, references: [references]))
    }

    @Test func sentenceScoreIsACorpusOfOne() {
        let bleu = BLEU(effectiveOrder: true)
        let score = bleu.sentenceScore(hypothesis: "the cat sat", references: ["the cat sat down", "a cat sat"])
        #expect(score == bleu.corpusScore(hypotheses: ["the cat sat"], references: [["the cat sat down"], ["a cat sat"]]))
        // Three words: effective order 3, the closest reference length 3 (no brevity penalty).
        #expect(score.totals == [3, 2, 1, 0])
        #expect(score.refLen == 3 && score.bp == 1)
        #expect(isClose(score.score, 100))
        #expect(bleu.signature(references: 2).description
                == "nrefs:2|case:mixed|eff:yes|tok:13a|smooth:exp|version:nmt-\(Signature.toolkitVersion)")
    }

    @Test func signaturesNameSmoothingValues() {
        let names = BLEU.Smoothing.names.map { BLEU(smoothing: BLEU.Smoothing(name: $0)!).signature(references: 1).fields[4].value }
        #expect(names == ["exp", "floor[0.10]", "add-k[1.00]", "none"])
        #expect(CHRF(lowercase: true).signature(references: 3).description
                == "nrefs:3|case:lc|eff:yes|nc:6|nw:0|space:no|version:nmt-\(Signature.toolkitVersion)")
    }

    @Test func fixedRoundsTheBinaryValueToEven() {
        #expect(fixed(0.125, digits: 2) == "0.12")
        #expect(fixed(0.375, digits: 2) == "0.38")
        #expect(fixed(2.5, digits: 0) == "2")
        #expect(fixed(0.05, digits: 1) == "0.1")
        #expect(fixed(36.25, digits: 1) == "36.2")
        #expect(fixed(100, digits: 3) == "100.000")
        #expect(fixed(1.0 / 3, digits: 40).count == 42)
    }
}
