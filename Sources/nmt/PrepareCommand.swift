import ArgumentParser
import Data
import IO
import Text

/// `nmt prepare`: a raw parallel corpus → the token files, codes and vocabularies training reads.
struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Normalize, tokenize, filter and BPE-segment a parallel corpus; build vocabularies.",
        discussion: """
            Reads DIR/{train,dev,test}.{SRC,TGT} (or --src/--tgt with --split dev=N,test=N) and \
            writes OUT/{train,dev,test}.{SRC,TGT}, OUT/bpe.codes (with --bpe-merges), \
            OUT/vocab.{SRC,TGT} and OUT/report.json. Only train is filtered (empty or untranslated \
            pairs, too long, length ratio, duplicates, sources also in dev or test); dev and test \
            keep every line so they stay aligned with their references. Running it again on \
            unchanged input and options reuses the result.

            --tokenizer reversible (the default) keeps Moses' token boundaries and marks with ￭ \
            (U+FFED) each side of a token where the text had no space ('l’image' → \
            'l ￭’￭ image'), with other whitespace as escapes ('％00A0'), so that a translation \
            detokenizes to text that reads like the input; the marks pass through BPE as part of \
            the tokens. --tokenizer moses gives plain sacremoses tokens, whose detokenizer \
            guesses the spaces. The choice is recorded in report.json.

            --tsv FILE reads the pairs from one file, a pair a line: the --src-lang text, a tab, \
            the --tgt-lang text (Tatoeba's and Marian's --tsv layout). --tmx FILE reads a TMX \
            translation memory and takes from each <tu> the <tuv> whose xml:lang has the primary \
            subtag of --src-lang and the one of --tgt-lang (en, EN, en-US and en_GB are all en); \
            the inline codes <bpt>, <ept>, <ph>, <it> and <ut> are left out of a segment's text, \
            <hi>'s text is kept. Both take --split dev=N,test=N as --src/--tgt do. Entries that \
            give no pair are counted by reason under "input" in report.json (TSV: invalid_utf8, \
            blank_line, missing_tab, extra_columns, empty_side; TMX: missing_source, \
            missing_target, duplicate_language, missing_seg, several_segs, empty_seg); XML that \
            is not well-formed stops with the file and line at fault.
            """)

    @Option(name: .customLong("src-lang"), help: "Source language (en or fr).")
    var sourceLanguage: String = "en"

    @Option(name: .customLong("tgt-lang"), help: "Target language (en or fr).")
    var targetLanguage: String = "fr"

    @Option(name: .long, help: "Directory of raw {train,dev,test}.{SRC,TGT} files.")
    var corpus: String?

    @Option(name: .customLong("src"), help: "Raw source file (instead of --corpus).")
    var sourceFile: String?

    @Option(name: .customLong("tgt"), help: "Raw target file (instead of --corpus).")
    var targetFile: String?

    @Option(name: .long, help: ArgumentHelp("A TSV file of pairs, source TAB target (instead of --corpus).", valueName: "file"))
    var tsv: String?

    @Option(name: .long, help: ArgumentHelp("A TMX translation memory (instead of --corpus).", valueName: "file"))
    var tmx: String?

    @Option(name: .long, help: "With --src/--tgt, --tsv or --tmx: pairs held out, as dev=N,test=N (N in \(OptionBounds.text(OptionBounds.split))).")
    var split: String?

    @Option(name: .long, help: "Output directory.")
    var out: String

    @Option(name: .customLong("max-length"), parsing: .unconditional,
            help: "Drop training pairs with more tokens on a side, \(OptionBounds.text(OptionBounds.maxLength)).")
    var maxLength: Int = 80

    @Option(name: .customLong("length-ratio"), parsing: .unconditional,
            help: "Drop training pairs whose longer side is this many times the shorter, in \(OptionBounds.lengthRatio).")
    var lengthRatio: Double = 2.5

    @Option(name: .customLong("bpe-merges"), parsing: .unconditional,
            help: "Learn a joint BPE with this many merges, \(OptionBounds.text(OptionBounds.merges)) (0: no BPE).")
    var bpeMerges: Int = 0

    @Option(name: .customLong("src-vocab"), parsing: .unconditional,
            help: "Source vocabulary size, specials included, \(OptionBounds.text(OptionBounds.vocabulary)) (default: all tokens).")
    var sourceVocabulary: Int?

    @Option(name: .customLong("tgt-vocab"), parsing: .unconditional,
            help: "Target vocabulary size, specials included, \(OptionBounds.text(OptionBounds.vocabulary)) (default: all tokens).")
    var targetVocabulary: Int?

    @Option(name: .customLong("min-count"), parsing: .unconditional,
            help: "Leave tokens seen fewer times out of the vocabularies, \(OptionBounds.text(OptionBounds.count)).")
    var minCount: Int = 1

    @Option(name: .long, help: "reversible: Moses' tokens with ￭ joiner marks, detokenized exactly; moses: plain sacremoses tokens.")
    var tokenizer: TokenizerKind = .reversible

    @Flag(name: .long, help: "Lowercase all text.")
    var lowercase = false

    @Flag(name: .long, help: "Prepare again even when the output is up to date.")
    var force = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        for language in [sourceLanguage, targetLanguage] where !["en", "fr"].contains(language) {
            throw ValidationError("languages must be en or fr, not '\(language)'")
        }
        if sourceLanguage == targetLanguage { throw ValidationError("--src-lang and --tgt-lang must differ") }
        switch (corpus, sourceFile, targetFile, tsv, tmx) {
        case (.some, nil, nil, nil, nil): if split != nil { throw ValidationError("--split goes with --src and --tgt, --tsv or --tmx, not --corpus") }
        case (nil, .some, .some, nil, nil), (nil, nil, nil, .some, nil), (nil, nil, nil, nil, .some): _ = try parsedSplit()
        default: throw ValidationError("give one of --corpus DIR, both --src FILE and --tgt FILE, --tsv FILE or --tmx FILE")
        }
        try OptionBounds.check("--max-length", maxLength, in: OptionBounds.maxLength)
        try OptionBounds.check("--length-ratio", lengthRatio, in: OptionBounds.lengthRatio)
        try OptionBounds.check("--bpe-merges", bpeMerges, in: OptionBounds.merges)
        try OptionBounds.check("--src-vocab", sourceVocabulary, in: OptionBounds.vocabulary)
        try OptionBounds.check("--tgt-vocab", targetVocabulary, in: OptionBounds.vocabulary)
        try OptionBounds.check("--min-count", minCount, in: OptionBounds.count)
    }

    /// "dev=2000,test=2000" → (2000, 2000); absent → (0, 0).
    func parsedSplit() throws -> (dev: Int, test: Int) {
        guard let split else { return (0, 0) }
        var result = (dev: 0, test: 0)
        for part in split.split(separator: ",") {
            let pair = part.split(separator: "=")
            guard pair.count == 2, let n = Int(pair[1]), ["dev", "test"].contains(pair[0]) else {
                throw ValidationError("--split takes dev=N,test=N, not '\(split)'")
            }
            try OptionBounds.check("--split \(pair[0])", n, in: OptionBounds.split)
            if pair[0] == "dev" { result.dev = n } else { result.test = n }
        }
        return result
    }

    func run() throws {
        let options = PrepareOptions(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, maxLength: maxLength,
                                     lengthRatio: lengthRatio, bpeMerges: bpeMerges, sourceVocabularySize: sourceVocabulary,
                                     targetVocabularySize: targetVocabulary, minCount: minCount, lowercase: lowercase,
                                     tokenizer: tokenizer, threads: common.threads, quiet: common.quiet)
        let source: CorpusSource
        if let corpus {
            source = .directory(corpus)
        } else if let tsv {
            let (dev, test) = try parsedSplit()
            source = .tsv(tsv, dev: dev, test: test)
        } else if let tmx {
            let (dev, test) = try parsedSplit()
            source = .tmx(tmx, dev: dev, test: test)
        } else {
            let (dev, test) = try parsedSplit()
            source = .files(source: sourceFile!, target: targetFile!, dev: dev, test: test)
        }
        _ = try CorpusPreparation.run(source: source, outputDirectory: out, options: options, force: force)
    }
}

extension TokenizerKind: ExpressibleByArgument {}
