import IO

/// A checkpoint file that cannot be used.
public enum CheckpointError: UserError, Equatable {
    case notACheckpoint(path: String)
    case version(path: String, found: Int)
    case truncated(path: String)
    case corrupted(path: String)
    /// A whole checkpoint followed by `count` more bytes.
    case trailingBytes(path: String, count: Int)
    case foreign(path: String, reason: String)
    /// A section whose size or value cannot be what this nmt wrote (a crafted or damaged file
    /// behind a valid checksum).
    case badSection(path: String, name: String, reason: String)

    public var description: String {
        switch self {
        case .notACheckpoint(let path): return "\(path): not an nmt checkpoint"
        case .version(let path, let found):
            return "\(path): checkpoint format version \(found); this nmt reads version \(Checkpoint.formatVersion)"
        case .truncated(let path): return "\(path): checkpoint is truncated (an interrupted copy or write?)"
        case .corrupted(let path): return "\(path): checkpoint is corrupted (checksum mismatch)"
        case .trailingBytes(let path, let count):
            return "\(path): checkpoint has \(count) unexpected byte\(count == 1 ? "" : "s") after its end (appended to by mistake?)"
        case .foreign(let path, let reason): return "\(path): checkpoint of another model: \(reason)"
        case .badSection(let path, let name, let reason): return "\(path): checkpoint section \(name) \(reason)"
        }
    }
}
