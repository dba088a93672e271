/// An error caused by what the user gave us (a file, a line, an option), as opposed to a bug.
///
/// Its description is the one line `nmt` prints after `nmt: error: `; it names the file and,
/// where there is one, the line at fault ("train.fr:1207: invalid UTF-8").
public protocol UserError: Error, CustomStringConvertible {}

/// Errors reading and writing files.
public enum FileError: UserError, Equatable {
    case notFound(path: String)
    case isDirectory(path: String)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case invalidUTF8(path: String, line: Int)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file"
        case .isDirectory(let path): return "\(path): is a directory, expected a file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .unwritable(let path, let reason): return "\(path): \(reason)"
        case .invalidUTF8(let path, let line): return "\(path):\(line): invalid UTF-8"
        }
    }
}
