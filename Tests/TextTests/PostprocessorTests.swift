import Testing
import IO
@testable import Text

/// `Preprocessor` and its inverse `Postprocessor`, in both tokenizer kinds.
@Suite struct PostprocessorTests {
    /// The tokens of one line.
    func tokens(_ preprocessor: Preprocessor, _ line: String) -> String {
        var workspace = Preprocessor.Workspace()
        var output = [UInt8]()
        Array(line.utf8).withUnsafeBufferPointer { preprocessor.process($0, workspace: &workspace, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    @Test func subwordMarksAreRemovedAsSedDoes() {
        func joined(_ text: String) -> String {
            var output = [UInt8]()
            Array(text.utf8).withUnsafeBufferPointer { Postprocessor.joinSubwords($0, into: &output) }
            return String(decoding: output, as: UTF8.self)
        }
        // sed -r 's/(@@ )|(@@ ?$)//g'
        #expect(joined("bi@@ blio@@ thèque l ￭’@@ ￭ image") == "bibliothèque l ￭’￭ image")
        #expect(joined("a@@@ b") == "a@b")
        #expect(joined("end@@") == "end")
        #expect(joined("end@@ ") == "end")
        #expect(joined("@@@@ x @ @@") == "@@x @ ")
        #expect(joined("") == "")
    }

    @Test func reversiblePipelineComesBackExactlyAndMosesGuesses() throws {
        let line = "Prix\u{A0}: l’image (API) d'un «\u{202F}test\u{202F}», enfin…"
        let reversible = Preprocessor(tokenizer: try MosesTokenizer(language: "fr"), kind: .reversible)
        let moses = Preprocessor(tokenizer: try MosesTokenizer(language: "fr"), kind: .moses)
        #expect(reversible.postprocessor.process(tokens(reversible, line)) == line)
        #expect(moses.postprocessor.process(tokens(moses, line)) == "Prix : l ’ image (API) d'un « test », enfin …")
        #expect(reversible.postprocessor.kind == .reversible && !reversible.postprocessor.joinsSubwords)
    }

    @Test func removedControlsLeaveMosesTokensAsTheyWere() throws {
        let line = "a\u{1}b c \u{2}\u{1F}d\u{0B}e \u{1B}[0m\u{200B}f"
        let moses = Preprocessor(tokenizer: try MosesTokenizer(language: "en"), kind: .moses)
        let reversible = Preprocessor(tokenizer: try MosesTokenizer(language: "en"), kind: .reversible)
        #expect(tokens(moses, line) == moses.tokenizer.tokenize(line.replacingOccurrences(of: "\u{200B}", with: "")))
        // \u{1F} and \u{0B} are whitespace to Python, so they stay (as escapes): only the deleted controls go.
        #expect(tokens(reversible, line) == "ab c ￭％0020％001Fd ￭％000Be [￭ 0mf")
    }

    @Test func lowercasedEscapesStillDecode() throws {
        let preprocessor = Preprocessor(tokenizer: try MosesTokenizer(language: "fr"), kind: .reversible, lowercase: true)
        let lowercased = tokens(preprocessor, "Prix\u{A0}: L’Image")
        #expect(lowercased == "prix ￭％00a0: l ￭’￭ image")
        #expect(preprocessor.postprocessor.process(lowercased) == "prix\u{A0}: l’image")
    }
}
