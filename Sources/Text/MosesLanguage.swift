/// The languages the Moses tokenizer and detokenizer have rules and nonbreaking prefixes for.
public enum MosesLanguage: String, Sendable, CaseIterable {
    case english = "en"
    case french = "fr"

    /// - Throws: `MosesError.unsupportedLanguage` for any code but "en" and "fr".
    public init(code: String) throws {
        guard let language = MosesLanguage(rawValue: code) else { throw MosesError.unsupportedLanguage(code) }
        self = language
    }
}
