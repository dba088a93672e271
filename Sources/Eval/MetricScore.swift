import IO

/// A corpus or sentence score that prints the way sacrebleu's command line prints it.
public protocol MetricScore: Sendable {
    /// The metric's name in the score line: `BLEU`, `chrF2`.
    var name: String { get }
    /// The score in [0, 100], at full precision.
    var score: Double { get }
    /// What sacrebleu prints after the score (BLEU's precisions and brevity penalty), or "".
    var verbose: String { get }
    /// Fields the JSON output adds to sacrebleu's (BLEU's counts, totals, lengths).
    var statistics: [(String, JSON)] { get }
}

extension MetricScore {
    /// sacrebleu's score string: the score with `width` decimals, then `verbose`.
    public func formatted(width: Int = 1) -> String {
        fixed(score, digits: width) + (verbose.isEmpty ? "" : " " + verbose)
    }

    /// sacrebleu's `-f text` line: `BLEU|nrefs:1|…|version:nmt-0.1.0 = 36.2 67.6/43.7/30.4/21.5 (BP = …)`.
    public func line(signature: Signature, width: Int = 1) -> String {
        "\(name)|\(signature) = \(formatted(width: width))"
    }

    /// sacrebleu's `-f json` object with the score at full precision instead of rounded to the
    /// width, followed by `statistics`.
    public func json(signature: Signature) -> JSON {
        var members: [(String, JSON)] = [
            ("name", .string(name)), ("score", .double(score)), ("signature", .string(signature.description)),
        ]
        if !verbose.isEmpty { members.append(("verbose_score", .string(verbose))) }
        for field in signature.fields { members.append((field.key, .string(field.value))) }
        return .object(members + statistics)
    }
}
