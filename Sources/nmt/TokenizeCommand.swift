import ArgumentParser
import IO
import Text

/// `nmt tokenize`: Moses tokenization and detokenization of standard input, plain or reversible.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize or detokenize text with Moses' rules (standard input to standard output).",
        discussion: """
            A line in, a line out. Input is NFC-normalized; tokenization then matches sacremoses \
            MosesTokenizer(lang).tokenize(line, escape=False, return_str=True), and --detokenize \
            matches MosesDetokenizer(lang).detokenize(tokens). Moses' detokenizer has to guess the \
            spaces, and guesses wrong on 13% of English and 31% of French lines of the shipped \
            corpus (around ’, /, + and :, mostly).

            --reversible keeps the same token boundaries and marks with ￭ (U+FFED) each side of a \
            token where the text had no space ('l’image' → 'l ￭’￭ image'); other whitespace \
            (non-breaking spaces, tabs, several spaces) and the control characters Moses deletes \
            are kept as escapes ％XXXX (U+FF05 and the hexadecimal code point, '％00A0'), and so \
            are literal ￭ and ％. No token contains a space. --detokenize --reversible then \
            gives back the exact NFC input, and removing the marks gives Moses' tokens. Invalid \
            UTF-8 bytes are replaced by U+FFFD and reported once, with their line numbers.
            """)

    @Option(name: .long, help: "Language of the text: en or fr.")
    var lang: String

    @Flag(name: .long, help: "Join tokens back into text instead of splitting it.")
    var detokenize = false

    @Flag(name: .long, help: "Lowercase the tokens (after tokenization, which reads case).")
    var lowercase = false

    @Flag(name: .long, help: "Mark with ￭ where the text had no space, so that detokenizing restores it exactly.")
    var reversible = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard ["en", "fr"].contains(lang) else { throw ValidationError("--lang must be en or fr, not '\(lang)'") }
        if detokenize && lowercase { throw ValidationError("--lowercase applies to tokenization, not to --detokenize") }
    }

    func run() throws {
        let kind: TokenizerKind = reversible ? .reversible : .moses
        let preprocessor = Preprocessor(tokenizer: try MosesTokenizer(language: lang), kind: kind,
                                        lowercase: lowercase, removeInvisible: false)
        let postprocessor = preprocessor.postprocessor
        let detokenize = self.detokenize
        var stream = LineStream()
        var repairedLines = [Int]()
        let progress = Progress(detokenize ? "detokenize" : "tokenize", quiet: common.quiet)
        let tokenizers = LineMapper(threads: common.threads) { Preprocessor.Workspace() }
        let detokenizers = LineMapper(threads: detokenize ? common.threads : 0) { Postprocessor.Workspace() }
        while let block = try stream.next() {
            let first = stream.linesRead - block.count
            let (lines, repaired) = repairUTF8(block)
            repairedLines += repaired.map { first + $0 + 1 }
            let output = detokenize
                ? detokenizers.map(lines) { _, line, workspace, out in postprocessor.process(line, workspace: &workspace, into: &out) }
                : tokenizers.map(lines) { _, line, workspace, out in preprocessor.process(line, workspace: &workspace, into: &out) }
            try OutputFile.standardOutput.write(output.fileContents())
            progress.update(stream.linesRead)
        }
        if !repairedLines.isEmpty {
            FileSystem.printError("nmt: warning: <stdin>: invalid UTF-8 replaced by U+FFFD on line\(repairedLines.count > 1 ? "s" : "") \(lineList(repairedLines))")
        }
    }
}

/// Replaces invalid UTF-8 in each line; returns the repaired lines and the (0-based) indices of those changed.
func repairUTF8(_ lines: LineBuffer) -> (LineBuffer, [Int]) {
    lines.repairingUTF8()
}
