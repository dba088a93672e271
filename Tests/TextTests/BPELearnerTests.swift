import Testing
import IO
@testable import Text

/// Learning against subword-nmt 0.3.8's own `learn-bpe` output, byte for byte.
@Suite struct BPELearnerTests {
    /// (text, merges asked for, subword-nmt's codes). tiny.tok: many frequency ties (the order of
    /// the pairs' strings decides) and an early stop. whitespace.tok: tabs and no-break spaces
    /// inside words take replace_pair's regular expression path, and line-break characters other
    /// than `\n` end words as they end lines for `codecs`. prune.tok: a merged pair's count goes
    /// below 0 and prune_stats brings the pair back from big_stats (see make_fixtures.py).
    @Test(arguments: [("sample.tok", 3000, "sample.codes"), ("tiny.tok", 50, "tiny.codes"),
                      ("whitespace.tok", 40, "whitespace.codes"), ("prune.tok", 200, "prune.codes")])
    func codesEqualSubwordNMT(text: String, merges: Int, reference: String) throws {
        let codes = BPELearner.learn(from: [try BPEFixtures.lines(text)], merges: merges)
        #expect(BPEFixtures.firstDifference(codes.fileContents(), try BPEFixtures.bytes(reference)) == nil)
    }

    @Test func tinyStopsEarly() throws {
        #expect(try BPEFixtures.lines("tiny.codes").count - 1 < 50)
        #expect(BPELearner.learn(from: [try BPEFixtures.lines("tiny.tok")], merges: 50).merges.count
                == (try BPEFixtures.lines("tiny.codes").count - 1))
    }

    /// Joint learning over two files is learning over their concatenation.
    @Test func severalFilesLearnLikeTheirConcatenation() throws {
        let sample = try BPEFixtures.lines("sample.tok")
        var english = LineBuffer()
        var french = LineBuffer()
        for index in 0..<sample.count {
            if index < sample.count / 2 { english.append(sample.bytes[sample.range(index)]) }
            else { french.append(sample.bytes[sample.range(index)]) }
        }
        let codes = BPELearner.learn(from: [english, french], merges: 3000)
        #expect(BPEFixtures.firstDifference(codes.fileContents(), try BPEFixtures.bytes("sample.codes")) == nil)
    }

    /// subword-nmt raises on `max()` of no pairs; we return no merges.
    @Test func textWithoutPairsGivesNoMerges() {
        #expect(BPELearner.learn(from: [LineBuffer(lines: ["a b c", "", "  d  "])], merges: 10).merges.isEmpty)
        #expect(BPELearner.learn(from: [], merges: 10).fileContents() == Array("#version: 0.2\n".utf8))
    }

    @Test func stopsBelowMinimumFrequency() {
        // "ab" occurs 3 times, "cd" twice: with minFrequency 3 only (a, b</w>) is learned.
        let text = LineBuffer(lines: ["ab ab ab cd cd"])
        let codes = BPELearner.learn(from: [text], merges: 10, minFrequency: 3)
        #expect(codes.merges.map { "\($0.left) \($0.right)" } == ["a b</w>"])
        #expect(BPELearner.learn(from: [text], merges: 10).merges.count == 2)
    }

    @Test func reportsProgressAfterEachMerge() {
        var reported: [Int] = []
        _ = BPELearner.learn(from: [LineBuffer(lines: ["abcd abcd abcd"])], merges: 2) { reported.append($0) }
        #expect(reported == [1, 2])
    }
}
