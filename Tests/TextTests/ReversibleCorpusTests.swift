import Foundation
import Testing
import IO
@testable import Text

/// Round trips over the whole shipped corpus (both languages, every split, ≈ 127,000 lines).
@Suite struct ReversibleCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpora/ddtp-en-fr").path

    /// The NFC lines of one file of the corpus (normalized as a whole: a line end composes with
    /// nothing, so that is the same as line by line, and faster in a debug build).
    static func lines(_ split: String, _ language: String) throws -> LineBuffer {
        var normalized = [UInt8]()
        try FileSystem.readBytes("\(corpus)/\(split).\(language)").withUnsafeBufferPointer {
            Normalizer.nfc($0, into: &normalized)
        }
        return LineBuffer(contents: normalized)
    }

    /// How many lines of `result` equal those of `expected`, and the first that differs.
    static func agreement(_ result: LineBuffer, _ expected: LineBuffer) -> (equal: Int, first: String?) {
        if result.bytes == expected.bytes && result.ends == expected.ends { return (expected.count, nil) }
        var equal = 0
        var first: String?
        for index in 0..<expected.count {
            if result.bytes[result.range(index)] == expected.bytes[expected.range(index)] {
                equal += 1
            } else if first == nil {
                first = "line \(index + 1): \(expected[index].debugDescription) came back as \(result[index].debugDescription)"
            }
        }
        return (equal, first)
    }

    /// The first line of `tokens` with a space at an end, two in a row, or a control character
    /// (tokens are separated by single spaces; the corpus has no other whitespace to escape).
    static func firstBadSeparator(_ tokens: LineBuffer) -> Int? {
        tokens.bytes.withUnsafeBufferPointer { bytes in
            for index in 0..<tokens.count {
                let range = tokens.range(index)
                guard !range.isEmpty else { continue }
                if bytes[range.lowerBound] == 0x20 || bytes[range.upperBound - 1] == 0x20 { return index + 1 }
                for position in range where bytes[position] < 0x20
                    || (bytes[position] == 0x20 && bytes[position - 1] == 0x20) { return index + 1 }
            }
            return nil
        }
    }

    /// Every line through `Preprocessor` and back through its `postprocessor`: reversible tokens as
    /// they are, then through BPE (codes learned on reversible tokens, applied to every split,
    /// `@@ ` removed, detokenized; the joiner is a character of its token to BPE, as any other). Moses' detokenizer, for comparison, restores 87% of English and 69% of French lines
    /// of train (dev and test here, to keep the test fast).
    @Test(arguments: ["en", "fr"])
    func everyLineComesBackExactly(language: String) throws {
        let tokenizer = try MosesTokenizer(language: language)
        let reversible = Preprocessor(tokenizer: tokenizer, kind: .reversible, removeInvisible: false)
        let moses = Preprocessor(tokenizer: tokenizer, kind: .moses, removeInvisible: false)
        let splits = try ["train", "dev", "test"].map { (name: $0, lines: try Self.lines($0, language)) }
        let tokens = splits.map { reversible.process($0.lines) }
        for ((split, lines), tokens) in zip(splits, tokens) {
            let (equal, first) = Self.agreement(reversible.postprocessor.process(tokens), lines)
            var line = "round trip \(split).\(language): reversible \(equal) / \(lines.count)"
            if split != "train" {
                let (mosesEqual, _) = Self.agreement(moses.postprocessor.process(moses.process(lines)), lines)
                line += String(format: ", moses %d (%.1f%%)", mosesEqual, 100 * Double(mosesEqual) / Double(lines.count))
                #expect(mosesEqual < lines.count)
            }
            print(line)
            #expect(equal == lines.count, "\(first ?? "")")
            #expect(Self.firstBadSeparator(tokens) == nil)
        }

        let codes = BPELearner.learn(from: [tokens[1], tokens[2]], merges: Self.merges)
        #expect(codes.merges.contains { $0.left.contains("￭") || $0.right.contains("￭") })
        let bpe = BPE(codes: codes)
        let postprocessor = Preprocessor(tokenizer: tokenizer, kind: .reversible, bpe: bpe).postprocessor
        #expect(postprocessor.joinsSubwords)
        for ((split, lines), tokens) in zip(splits, tokens) {
            let pieces = ParallelLines.map(tokens, makeState: { BPE.Cache() }) { _, line, cache, output in
                bpe.apply(line, cache: &cache, into: &output)
            }
            let (equal, first) = Self.agreement(postprocessor.process(pieces), lines)
            print("round trip through BPE (\(codes.merges.count) merges) \(split).\(language): \(equal) / \(lines.count)")
            #expect(equal == lines.count, "\(first ?? "")")
        }
    }

    /// Merges learned on dev and test: whole words, joiners, and many train words cut in pieces,
    /// quick to learn in a debug build. (16,000 joint merges learned on train give the same
    /// result: measured in release through `nmt tokenize`, `nmt bpe` and sed.)
    static let merges = 2000
}
