import TestSupport
import Foundation
import Testing

/// `nmt tokenize` end to end: Moses mode unchanged, `--reversible` exact both ways.
@Suite struct TokenizeCommandTests {
    static let fixtures = NmtProcess.root.appendingPathComponent("Tests/Fixtures/moses")

    @Test(arguments: ["en", "fr"])
    func mosesModeIsUnchangedAndReversibleTokensDetokenizeToTheInput(language: String) throws {
        let input = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("\(language).input")))
        let moses = try NmtProcess.run(["tokenize", "--lang", language, "--quiet"], stdin: input)
        #expect(moses.stdoutBytes == (try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("\(language).tok")))))
        let tokens = try NmtProcess.run(["tokenize", "--lang", language, "--reversible", "--quiet"], stdin: input)
        #expect(tokens.status == 0, "\(tokens.stderr)")
        let text = try NmtProcess.run(["tokenize", "--lang", language, "--detokenize", "--reversible", "--quiet"],
                                      stdin: tokens.stdoutBytes)
        #expect(text.stdoutBytes == input)    // the fixtures are NFC, one "\n" per line
        // That the marks stripped give Moses' tokens is checked in TextTests (ReversibleTokenizerTests).
    }

    @Test func reversibleKeepsEverySpaceApostropheAndQuote() throws {
        let text = "  l’image\u{A0}: «\u{202F}citation\u{202F}» —\ttab, ￭ et ％00A0 ; C:\\dir/file.txt 😀!  \n"
        let tokens = try NmtProcess.run(["tokenize", "--lang", "fr", "--reversible"], stdin: Array(text.utf8))
        #expect(tokens.stdout == "％0020％0020l ￭’￭ image ￭％00A0: «％202F￭ citation ￭％202F» —％0009￭ tab ￭, ％FFED et ％FF05￭ 00A0 ; C ￭: ￭\\￭ dir ￭/￭ file.txt 😀 ￭!％0020％0020\n")
        let back = try NmtProcess.run(["tokenize", "--lang", "fr", "--detokenize", "--reversible"], stdin: tokens.stdoutBytes)
        #expect(back.stdout == text)
    }
}
