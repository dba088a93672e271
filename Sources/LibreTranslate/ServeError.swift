/// Why a request gets no translation, with the status LibreTranslate answers it with; the body
/// is `{"error": description}`.
public enum ServeError: Error, Equatable, CustomStringConvertible {
    case badRequest(String)
    case badAPIKey
    case tooLarge(String)
    case overloaded
    /// One client holds half the queue already.
    case tooManyRequests
    /// SIGTERM came: the queue drains, nothing new is taken.
    case shuttingDown
    /// The client hung up before its lines were decoded: nobody reads the answer (499 in the
    /// log, as nginx writes it).
    case clientGone
    case notFound(String)

    public var status: Int {
        switch self {
        case .badRequest: return 400
        case .badAPIKey: return 403
        case .notFound: return 404
        case .tooLarge: return 413
        case .tooManyRequests: return 429
        case .clientGone: return 499
        case .overloaded, .shuttingDown: return 503
        }
    }

    /// Whether the answer carries `Retry-After`.
    public var isRetryable: Bool { self == .overloaded || self == .tooManyRequests }

    public var description: String {
        switch self {
        case .badRequest(let why): return why
        case .badAPIKey: return "Invalid API key"
        case .notFound(let path): return "Not found: \(path)"
        case .tooLarge(let why): return why
        case .overloaded: return "The server is busy; retry later"
        case .tooManyRequests: return "Too many lines waiting from this client; retry when some are answered"
        case .shuttingDown: return "The server is shutting down"
        case .clientGone: return "The client closed the connection"
        }
    }
}
