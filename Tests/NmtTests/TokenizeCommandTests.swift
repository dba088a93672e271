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

    /// Invalid bytes become U+FFFD, one line still gives one line, and one warning names the lines.
    @Test func invalidUTF8IsReplacedAndReportedOnce() throws {
        let input: [UInt8] = Array("Hello, world.\n".utf8) + [0x62, 0xE9, 0x62, 0xE9, 0x0A] + Array("ok\n".utf8) + [0xFF, 0x0A]
        let result = try NmtProcess.run(["tokenize", "--lang", "en"], stdin: input)
        #expect(result.status == 0)
        #expect(result.stdout == "Hello , world .\nb \u{FFFD} b \u{FFFD}\nok\n\u{FFFD}\n")   // U+FFFD is not alphanumeric: Moses pads it
        #expect(result.stderr == "nmt: warning: <stdin>: invalid UTF-8 replaced by U+FFFD on lines 2, 4\n")
    }

    /// CRLF line ends and a BOM do not reach the tokens; a last line without a newline still counts.
    @Test func crlfBOMAndMissingFinalNewline() throws {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("It's here.\r\n\r\nlast line".utf8)
        let result = try NmtProcess.run(["tokenize", "--lang", "en", "--quiet"], stdin: input)
        #expect(result.stdout == "It 's here .\n\nlast line\n")
    }

    @Test func badCodesFilesAreOneLineErrors() throws {
        let dir = try TemporaryDirectory()
        let header = try dir.write("header.codes", "#version: 9.9\na b\n")
        var result = try NmtProcess.run(["bpe", "apply", "--codes", header], stdin: Array("a b\n".utf8))
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("nmt: error: \(header):1: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
        let malformed = try dir.write("malformed.codes", "#version: 0.2\na b\nc d e\n")
        result = try NmtProcess.run(["bpe", "apply", "--codes", malformed], stdin: Array("a b\n".utf8))
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("nmt: error: \(malformed):3: "))
        result = try NmtProcess.run(["bpe", "apply", "--codes", dir.url.path], stdin: [])
        #expect(result.stderr == "nmt: error: \(dir.url.path): is a directory, expected a file\n")
    }

    @Test func unsupportedLanguageIsAUsageError() throws {
        let result = try NmtProcess.run(["tokenize", "--lang", "de"], stdin: [])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("nmt: error: --lang must be en or fr"))
    }
}
