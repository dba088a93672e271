import IO

/// Input that `nmt score` cannot score.
public enum ScoreError: UserError, Equatable {
    /// A reference file has a different number of lines than the hypotheses.
    case lineCountMismatch(hypotheses: String, hypothesisLines: Int, references: String, referenceLines: Int)
    /// The hypotheses have no line at all.
    case empty(path: String)

    public var description: String {
        switch self {
        case .lineCountMismatch(let hypotheses, let hypothesisLines, let references, let referenceLines):
            return "\(hypotheses) has \(hypothesisLines) line\(hypothesisLines == 1 ? "" : "s") but "
                + "\(references) has \(referenceLines); hypotheses and references must be line-aligned"
        case .empty(let path):
            return "\(path): no lines to score"
        }
    }
}
