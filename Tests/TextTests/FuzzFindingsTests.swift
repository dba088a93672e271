import IO
import TestSupport
import Testing
@testable import Text

/// The inputs on which `Tests/Fuzz` broke a text property (kept under `Tests/Fuzz/crashes/`), fed
/// to the same functions with the same property as the fuzz target (`FuzzReversible`), so that
/// `swift test` keeps them fixed without the fuzzer.
@Suite struct FuzzFindingsTests {
    static let crashes = "/" + #filePath.split(separator: "/").dropLast(2).joined(separator: "/") + "/Fuzz/crashes"

    /// `x ％000A y`: the reversible detokenizer decoded the escape into a line feed, so
    /// `nmt tokenize --detokenize --reversible` (and a model's output) gave two lines for one.
    /// A line cannot hold a line feed, so the tokenizer never writes that escape; it stays text.
    @Test func detokenizedLineHoldsNoLineFeed() throws {
        let lines = try FileSystem.readLines("\(Self.crashes)/reversible-escaped-line-feed")
        let postprocessor = Postprocessor(language: .english, kind: .reversible, joinsSubwords: false)
        var workspace = Postprocessor.Workspace()
        for i in 0..<lines.count {
            var text = [UInt8]()
            lines.withLine(i) { postprocessor.process($0, workspace: &workspace, into: &text) }
            #expect(!text.contains(0x0A), "\(lines[i].debugDescription) → \(String(decoding: text, as: UTF8.self).debugDescription)")
        }
        #expect(ReversibleDetokenizer().detokenize("x ％000A y ％000a") == "x ％000A y ％000a")
        #expect(ReversibleDetokenizer().detokenize("x ％000D y") == "x \r y")
        #expect(ReversibleFormat.mosesTokens("x ％000A") == ["x", "％000A"])
    }

    /// Codes whose first line `\r#version: 0.2` is no header (it starts with `\r`, as subword-nmt
    /// also reads it) but a merge of `#version:` and `0.2`, version 0.1: `fileContents()` wrote it
    /// without a header, so the copy read back as version 0.2 without that merge.
    @Test func codesSurviveTheirOwnFileContents() throws {
        let input = try FileSystem.readBytes("\(Self.crashes)/bpe-v01-merge-spelling-a-header")
        let scratch = try TemporaryDirectory()
        let path = scratch.path("codes")
        try FileSystem.writeAtomically(path, Array(input.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)[0]))
        let codes = try BPECodes(contentsOf: path)
        #expect(codes.version == .v0_1 && codes.merges.first! == (left: "#version:", right: "0.2"))
        try FileSystem.writeAtomically(path, codes.fileContents())
        #expect(try BPECodes(contentsOf: path) == codes)
    }
}
