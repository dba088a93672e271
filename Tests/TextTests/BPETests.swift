import Testing
import IO
@testable import Text

/// Segmentation against subword-nmt 0.3.8's own `apply-bpe` output, byte for byte.
@Suite struct BPETests {
    private func apply(codes: String, to input: String) throws -> [UInt8] {
        let bpe = BPE(codes: try BPECodes(contentsOf: BPEFixtures.path(codes)))
        return BPEFixtures.apply(bpe, to: try BPEFixtures.lines(input))
    }

    /// (codes, input, subword-nmt's output). apply.input: 3,000 corpus lines plus lines with leading,
    /// trailing and double spaces, an empty line, a one-character word and unknown characters.
    /// whitespace.tok: tabs and no-break spaces inside words, `\r`, `\v`, U+0085, U+2028… inside
    /// lines. duplicates.codes: a merge listed twice keeps the rank of its first occurrence.
    @Test(arguments: [("sample.codes", "apply.input", "apply.output"), ("tiny.codes", "tiny.tok", "tiny.output"),
                      ("whitespace.codes", "whitespace.tok", "whitespace.output"),
                      ("duplicates.codes", "tiny.tok", "duplicates.output")])
    func outputEqualsSubwordNMT(codes: String, input: String, reference: String) throws {
        let output = try apply(codes: codes, to: input)
        #expect(BPEFixtures.firstDifference(output, try BPEFixtures.bytes(reference)) == nil)
    }

    /// Version 0.1 codes: no header, `</w>` a symbol of its own that merges like any other.
    @Test func version01CodesEqualSubwordNMT() throws {
        let codes = try BPECodes(contentsOf: BPEFixtures.path("v01.codes"))
        #expect(codes.version == .v0_1)
        let output = try apply(codes: "v01.codes", to: "tiny.tok")
        #expect(BPEFixtures.firstDifference(output, try BPEFixtures.bytes("v01.output")) == nil)
    }

    /// The `String` entry point gives the fast path's output, line by line.
    @Test func stringEntryPointMatchesReference() throws {
        let bpe = BPE(codes: try BPECodes(contentsOf: BPEFixtures.path("sample.codes")))
        let input = try BPEFixtures.lines("apply.input").strings
        let expected = try BPEFixtures.lines("apply.output").strings
        #expect(input.count == expected.count)
        for (line, reference) in zip(input, expected) where bpe.apply(line) != reference {
            Issue.record("\(line.debugDescription): got \(bpe.apply(line).debugDescription), expected \(reference.debugDescription)")
            break
        }
    }

    /// A cache that starts again when full gives the same output.
    @Test func smallCacheGivesTheSameOutput() throws {
        let bpe = BPE(codes: try BPECodes(contentsOf: BPEFixtures.path("sample.codes")))
        let input = try BPEFixtures.lines("apply.input")
        var cache = BPE.Cache(capacity: 7)
        var output: [UInt8] = []
        input.bytes.withUnsafeBufferPointer { all in
            for index in 0..<input.count {
                bpe.apply(UnsafeBufferPointer(rebasing: all[input.range(index)]), cache: &cache, into: &output)
                output.append(UInt8(ascii: "\n"))
            }
        }
        #expect(BPEFixtures.firstDifference(output, try BPEFixtures.bytes("apply.output")) == nil)
    }

    /// No merges: every word is cut into characters.
    @Test func emptyCodesSplitIntoCharacters() {
        let bpe = BPE(codes: BPECodes(merges: []))
        #expect(bpe.apply("ab c  é") == "a@@ b c é")
    }

    /// `sed -r 's/(@@ )|(@@ ?$)//g'`.
    @Test func removeSeparatorsLikeSed() {
        #expect(BPE.removeSeparators("a@@ b@@ c d") == "abc d")
        #expect(BPE.removeSeparators("a b@@") == "a b")
        #expect(BPE.removeSeparators("a b@@ ") == "a b")
        #expect(BPE.removeSeparators("@@ a @@ b") == "a b")
        #expect(BPE.removeSeparators("a@@@@ b") == "a@@b")
        #expect(BPE.removeSeparators("e@@mail @ x") == "e@@mail @ x")
        #expect(BPE.removeSeparators("") == "")
    }

    /// Removing the separators from subword-nmt's output gives back the words of its input.
    @Test func removeSeparatorsUndoesTheReferenceSegmentation() throws {
        let input = try BPEFixtures.lines("apply.input").strings
        let output = try BPEFixtures.lines("apply.output").strings
        for (line, segmented) in zip(input, output) {
            let leading = line.prefix { $0 == " " }
            let words = line.split(separator: " ").joined(separator: " ")
            let trailing = words.isEmpty ? "" : String(line.reversed().prefix { $0 == " " })
            let expected = words.isEmpty ? line : leading + words + trailing
            if BPE.removeSeparators(segmented) != expected {
                Issue.record("\(segmented.debugDescription) joins to \(BPE.removeSeparators(segmented).debugDescription)")
                break
            }
        }
    }
}
