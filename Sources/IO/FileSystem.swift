#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and directories over POSIX calls, with errors that name the path (writes: `OutputFile`).
public enum FileSystem {
    /// Reads a whole regular file.
    /// - Throws: `FileError` when the path is missing, a directory, or unreadable.
    public static func readBytes(_ path: String) throws -> [UInt8] {
        let (fd, info) = try openForReading(path)
        defer { close(fd) }
        return try readAll(fd: fd, path: path, sizeHint: Int(info.st_size))
    }

    /// Opens `path` read-only; the caller closes the descriptor.
    /// - Returns: the descriptor and the file's status (its size).
    /// - Throws: `FileError` when the path is missing, a directory, or cannot be opened.
    static func openForReading(_ path: String) throws -> (descriptor: Int32, info: stat) {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT || errno == ENOTDIR { throw FileError.notFound(path: path) }
            throw FileError.unreadable(path: path, reason: errorText())
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError.isDirectory(path: path) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError.unreadable(path: path, reason: errorText()) }
        return (fd, info)
    }

    /// Reads a file descriptor (a file or a pipe) to its end.
    /// - Throws: `FileError.unreadable` for an input larger than half this machine's memory
    ///   (`/dev/zero` or an endless pipe would otherwise be read until the machine runs out).
    public static func readAll(fd: Int32, path: String, sizeHint: Int = 1 << 16) throws -> [UInt8] {
        let limit = MachineMemory.bytes / 2
        if sizeHint > limit { throw tooLarge(path, limit) }
        var out = [UInt8]()
        var capacity = max(sizeHint + 1, 1 << 16)
        var filled = 0
        while true {
            if filled == capacity {
                if filled > limit { throw tooLarge(path, limit) }
                capacity = min(capacity * 2, limit + 1)
            }
            out.reserveCapacity(capacity)
            let wanted = capacity - filled
            var got = 0
            out.append(contentsOf: repeatElement(0, count: wanted))
            got = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, wanted) }
            if got < 0 {
                if errno == EINTR { out.removeLast(wanted); continue }
                if errno == EISDIR { throw FileError.isDirectory(path: path) }
                throw FileError.unreadable(path: path, reason: errorText())
            }
            out.removeLast(wanted - got)
            filled += got
            if got == 0 { return out }
        }
    }

    static func tooLarge(_ path: String, _ limit: Int) -> FileError {
        .unreadable(path: path, reason: "larger than \(MemoryError.gigabytes(Double(limit))), half of this machine's memory")
    }

    /// Reads a text file into lines (see `LineBuffer` for line ends and the BOM).
    public static func readLines(_ path: String) throws -> LineBuffer {
        LineBuffer(contents: try readBytes(path))
    }

    /// Reads all of standard input into lines.
    public static func readStandardInputLines() throws -> LineBuffer {
        LineBuffer(contents: try readAll(fd: 0, path: "<stdin>"))
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` is a regular file, after following symlinks.
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Modification time in nanoseconds since the epoch, or nil when the path does not exist.
    public static func modificationTime(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
    }

    /// Creates a directory and its parents (like `mkdir -p`).
    public static func createDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !isDirectory(prefix) {
                if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                    throw FileError.unwritable(path: prefix, reason: errorText())
                }
                if !isDirectory(prefix) { throw FileError.unwritable(path: prefix, reason: "not a directory") }
            }
            prefix += "/"
        }
    }

    /// Writes a whole file: the same as `OutputFile.write(_:to:)`, which new code calls.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        try OutputFile.write(bytes, to: path)
    }

    /// Removes a file if it exists; ignores errors (used to clean up temporaries).
    public static func removeIfPresent(_ path: String) {
        unlink(path)
    }

    /// Writes bytes to standard error, ignoring errors: there is nowhere left to report them.
    /// (Outputs go through `OutputFile`, which checks every write.)
    static func writeStandardError(_ bytes: [UInt8]) {
        let fd: Int32 = 2
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return }
                written += n
            }
        }
    }

    /// One line to standard error.
    public static func printError(_ line: String) {
        writeStandardError(Array((line + "\n").utf8))
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
