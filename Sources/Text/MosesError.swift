import IO

/// Errors of the Moses tokenizer and detokenizer.
public enum MosesError: UserError, Equatable {
    /// A language other than the two we have rules and prefix lists for.
    case unsupportedLanguage(String)

    public var description: String {
        switch self {
        case .unsupportedLanguage(let language):
            return "unsupported language '\(language)' for the Moses tokenizer: only en and fr are supported"
        }
    }
}
