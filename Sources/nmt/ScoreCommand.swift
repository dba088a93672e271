import ArgumentParser
import Eval
import IO

/// `nmt score`: corpus or sentence BLEU and chrF, identical to sacrebleu 2.x.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score translations against references with BLEU or chrF (as sacrebleu 2.x does).",
        discussion: """
            Prints sacrebleu's `-f text` line, e.g. `BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|\
            version:nmt-\(Signature.toolkitVersion) = 36.2 67.6/43.7/30.4/21.5 (BP = 0.987 ratio = 0.987 \
            hyp_len = 123 ref_len = 125)`: the same numbers and signature as `sacrebleu REF... -i HYP \
            -f text`, apart from the version field. Defaults are sacrebleu's: 13a tokenization, exp \
            smoothing, one decimal. --json prints the score at full precision with BLEU's counts, \
            totals, precisions, bp, sys_len and ref_len. --sentence scores each line as \
            `sacrebleu --sentence-level` does (BLEU with effective order, `eff:yes`), one line each \
            (one JSON object each with --json). --metric chrf is sacrebleu's chrF2 (character order \
            6, no word n-grams, beta 2). Each reference file holds one reference a line, aligned \
            with the hypotheses; give --ref several times for several references.
            """)

    @Option(name: .long, help: ArgumentHelp("A reference file (repeat for several references).", valueName: "file"))
    var ref: [String] = []

    @Option(name: .long, help: ArgumentHelp("The hypotheses, one a line ('-': standard input).", valueName: "file"))
    var hyp: String = "-"

    @Flag(name: .long, help: "Compare lowercased text (case:lc).")
    var lowercase = false

    @Option(name: .long, help: ArgumentHelp("BLEU tokenization: 13a or none (default: 13a).", valueName: "name"))
    var tokenize: String?

    @Option(name: .long, help: ArgumentHelp("BLEU smoothing: exp, floor, add-k or none (default: exp).", valueName: "method"))
    var smooth: String?

    @Option(name: .long, help: "The metric: bleu or chrf.")
    var metric: String = "bleu"

    @Flag(name: .long, help: "Score every line on its own, one score a line.")
    var sentence = false

    @Flag(name: .long, help: "Print JSON with the score at full precision and BLEU's statistics.")
    var json = false

    @Option(name: .long, parsing: .unconditional, help: "Decimals of the printed score, \(OptionBounds.text(OptionBounds.width)).")
    var width: Int = 1

    func validate() throws {
        if ref.isEmpty { throw ValidationError("give at least one --ref file") }
        guard ["bleu", "chrf"].contains(metric) else { throw ValidationError("--metric must be bleu or chrf, not '\(metric)'") }
        if let tokenize {
            guard BLEUTokenizer(rawValue: tokenize) != nil else {
                throw ValidationError("--tokenize must be 13a or none, not '\(tokenize)'")
            }
            if metric != "bleu" { throw ValidationError("--tokenize applies to --metric bleu only") }
        }
        if let smooth {
            guard BLEU.Smoothing(name: smooth) != nil else {
                throw ValidationError("--smooth must be one of \(BLEU.Smoothing.names.joined(separator: ", ")), not '\(smooth)'")
            }
            if metric != "bleu" { throw ValidationError("--smooth applies to --metric bleu only") }
        }
        try OptionBounds.check("--width", width, in: OptionBounds.width)
    }

    func run() throws {
        let references = try ref.map { try SegmentFile.read($0) }
        let hypotheses = try SegmentFile.read(hyp)
        let hypothesisName = SegmentFile.displayName(hyp)
        for (path, lines) in zip(ref, references) where lines.count != hypotheses.count {
            throw ScoreError.lineCountMismatch(hypotheses: hypothesisName, hypothesisLines: hypotheses.count,
                                               references: SegmentFile.displayName(path), referenceLines: lines.count)
        }
        if hypotheses.isEmpty { throw ScoreError.empty(path: hypothesisName) }

        let scores: [any MetricScore]
        let signature: Signature
        if metric == "chrf" {
            let chrF = CHRF(lowercase: lowercase)
            let prepared = chrF.references(references)
            signature = chrF.signature(references: references.count)
            scores = sentence
                ? chrF.statistics(hypotheses: hypotheses, references: prepared).map { CHRFScore(score: chrF.fScore($0), beta: chrF.beta) }
                : [chrF.corpusScore(hypotheses: hypotheses, references: prepared)]
        } else {
            let bleu = BLEU(tokenizer: tokenize.flatMap(BLEUTokenizer.init(rawValue:)) ?? .mteval13a, lowercase: lowercase,
                            smoothing: smooth.flatMap(BLEU.Smoothing.init(name:)) ?? .exp, effectiveOrder: sentence)
            let prepared = bleu.references(references)
            signature = bleu.signature(references: references.count)
            scores = sentence
                ? bleu.statistics(hypotheses: hypotheses, references: prepared).map(bleu.score)
                : [bleu.corpusScore(hypotheses: hypotheses, references: prepared)]
        }

        var output = ""
        for score in scores {
            if json {
                // One object a line for sentence scores; indented like sacrebleu's for the corpus.
                output += score.json(signature: signature).rendered(indent: sentence ? nil : 1)
            } else {
                output += score.line(signature: signature, width: width)
            }
            output += "\n"
        }
        try OutputFile.standardOutput.write(Array(output.utf8))
    }
}
