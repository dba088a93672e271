import IO
import Testing
@testable import Text

/// Word counts gathered a chunk at a time, the sides interleaved as a stream reads them, learn
/// the merges that the whole files, concatenated, learn.
@Suite struct BPEWordCountsTests {
    /// Learns from the files whole and from counts added in chunks of `chunk` lines, alternating files.
    func both(_ files: [[String]], chunk: Int, merges: Int, minFrequency: Int = 2) -> (whole: BPECodes, counted: BPECodes) {
        let whole = BPELearner.learn(from: files.map { LineBuffer(lines: $0) }, merges: merges, minFrequency: minFrequency)
        var counts = BPEWordCounts(files: files.count)
        let longest = files.map(\.count).max() ?? 0
        for start in stride(from: 0, to: longest, by: chunk) {
            for (f, lines) in files.enumerated() where start < lines.count {
                counts.add(LineBuffer(lines: lines[start..<min(lines.count, start + chunk)]), file: f)
            }
        }
        return (whole, BPELearner.learn(from: counts, merges: merges, minFrequency: minFrequency))
    }

    /// The words and counts are `countWords`' on the whole files, in its order (first seen in
    /// the concatenation: all of file 0 before file 1), which breaks the learner's ties between
    /// equally frequent words; interleaved chunks alone would put file 1's early words first.
    @Test func wordsInTheConcatenatedOrder() {
        let files = [["x y", "ab x", "q"], ["cd", "ef y", "ab", "zz"]]
        let whole = BPELearner.countWords(files.map { LineBuffer(lines: $0) })
        for chunk in [1, 2, 5] {
            var counts = BPEWordCounts(files: 2)
            for start in stride(from: 0, to: 4, by: chunk) {
                for (f, lines) in files.enumerated() where start < lines.count {
                    counts.add(LineBuffer(lines: lines[start..<min(lines.count, start + chunk)]), file: f)
                }
            }
            let merged = counts.merged()
            #expect((0..<merged.words.count).map { merged.words.array($0) } == (0..<whole.words.count).map { whole.words.array($0) })
            #expect(merged.counts == whole.counts)
        }
    }

    @Test func sameMergesOnText() {
        var random = SplitMix64(seed: 3)
        let letters = Array("abcdeéfg")
        func text(_ n: Int) -> [String] {
            (0..<n).map { _ in
                (0..<Int(random.next() % 6 + 1)).map { _ in String((0..<Int(random.next() % 5 + 1)).map { _ in letters[Int(random.next() % 8)] }) }
                    .joined(separator: " ")
            }
        }
        let files = [text(200), text(150)]
        for chunk in [1, 7, 1000] {
            let (whole, counted) = both(files, chunk: chunk, merges: 60)
            #expect(counted.merges.map { "\($0.0) \($0.1)" } == whole.merges.map { "\($0.0) \($0.1)" })
            #expect(whole.merges.count > 20)
        }
    }
}
