import Foundation
import Testing
import IO
@testable import Text

/// Round trips over the whole shipped corpus (both languages, every split, ≈ 127,000 lines).
@Suite struct ReversibleCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpora/ddtp-en-fr").path

    /// The NFC lines of one file of the corpus.
    static func lines(_ split: String, _ language: String) throws -> LineBuffer {
        let raw = try FileSystem.readLines("\(corpus)/\(split).\(language)")
        return ParallelLines.map(raw, makeState: { () }) { _, line, _, output in Normalizer.nfc(line, into: &output) }
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

    /// Every line through `Preprocessor` and back through its `postprocessor`, reversible tokens
    /// without marks in the way (no BPE, no lowercasing, nothing removed). Moses' detokenizer, for
    /// comparison, restores 87% of English and 69% of French lines of train (dev and test here,
    /// to keep the test fast).
    @Test(arguments: ["en", "fr"])
    func everyLineComesBackExactly(language: String) throws {
        let reversible = Preprocessor(tokenizer: try MosesTokenizer(language: language), kind: .reversible, removeInvisible: false)
        let moses = Preprocessor(tokenizer: try MosesTokenizer(language: language), kind: .moses, removeInvisible: false)
        for split in ["train", "dev", "test"] {
            let lines = try Self.lines(split, language)
            let tokens = reversible.process(lines)
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
    }
}
