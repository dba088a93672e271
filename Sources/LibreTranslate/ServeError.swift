/// Why a request gets no translation, with the status LibreTranslate answers it with; the body
/// is `{"error": description}`.
public enum ServeError: Error, Equatable, CustomStringConvertible {
    case badRequest(String)
    case badAPIKey
    case tooLarge(String)
    case overloaded
    case notFound(String)

    public var status: Int {
        switch self {
        case .badRequest: return 400
        case .badAPIKey: return 403
        case .notFound: return 404
        case .tooLarge: return 413
        case .overloaded: return 503
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let why): return why
        case .badAPIKey: return "Invalid API key"
        case .notFound(let path): return "Not found: \(path)"
        case .tooLarge(let why): return why
        case .overloaded: return "The server is busy; retry later"
        }
    }
}
