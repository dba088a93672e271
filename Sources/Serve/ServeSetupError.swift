import IO

/// `--api-keys FILE` that cannot be used.
public enum ServeSetupError: UserError, Equatable {
    case emptyKeyFile(path: String)

    public var description: String {
        switch self {
        case .emptyKeyFile(let path): return "\(path): no API keys in the file (one key a line)"
        }
    }
}
