#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A text file read a block of lines at a time (`LineStream` over a descriptor this object opens
/// and closes), for inputs too large to read whole.
public final class LineFile {
    public let path: String
    private let fd: Int32
    private var stream: LineStream

    /// - Parameter blockSize: bytes read per block (the memory a block of lines takes).
    /// - Throws: `FileError` when the path is missing or cannot be opened.
    public init(_ path: String, blockSize: Int = 1 << 22) throws {
        self.path = path
        fd = try FileSystem.openForReading(path).descriptor
        stream = LineStream(fd: fd, path: path, blockSize: blockSize)
    }

    /// Reads `descriptor`, which this object now owns and closes.
    init(descriptor: Int32, path: String, blockSize: Int = 1 << 22) {
        self.path = path
        fd = descriptor
        stream = LineStream(fd: descriptor, path: path, blockSize: blockSize)
    }

    deinit { close(fd) }

    /// The next block of whole lines, nil at the end.
    public func next() throws -> LineBuffer? { try stream.next() }
}
