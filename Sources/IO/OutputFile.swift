#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way `nmt` writes a file the user named (or one in a model or data directory), so that
/// an output never replaces what it should not and no failed write goes unnoticed.
///
/// What happens depends on what the path is when it is opened:
/// - a regular file, or nothing yet: the bytes go to a temporary `PATH.tmp-<pid>` in the same
///   directory, which `commit` fsyncs, renames over the path and makes durable by fsyncing the
///   directory; a reader sees the old file or the whole new one, and a failed write leaves the
///   old one as it was;
/// - a symlink: the chain is followed (a dangling one to the file it names) and its last target
///   is replaced as above, in the target's directory; the link stays a link;
/// - a device, FIFO or socket, or `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`:
///   written in place as a stream (an inherited descriptor is duplicated, so the shell's `>>`
///   and offsets hold; opening a FIFO waits for its reader, as the shell's `>` does), never
///   renamed over.
///
/// Every write, the fsync and the close are checked: an error throws `FileError.unwritable`
/// naming the path ("standard output" for standard output), except a closed pipe, which throws
/// `BrokenPipe` for the command to stop quietly. A short write is continued until all is written.
/// Several files can be committed together: write them all, `close` each, then `commit` each
/// (`nmt prepare`). An output released without `commit` removes its temporary file.
public final class OutputFile {
    /// The path as named (for messages).
    public let path: String
    /// The regular file that `commit` replaces (the end of the symlink chain); nil for a stream.
    public let replaced: String?
    private let temporary: String?
    /// Where the bytes go until `commit` (nil for a stream), for a writer that reads them back.
    public var temporaryPath: String? { temporary }
    private var fd: Int32
    /// A descriptor not ours to close (standard output).
    private let borrowed: Bool
    private var committed = false

    /// Opens `path` for writing as described above.
    /// - Throws: `FileError.unwritable` (missing directory, no permission, a symlink loop),
    ///   `FileError.isDirectory`.
    public init(_ path: String) throws {
        self.path = path
        borrowed = false
        switch try OutputFile.classify(path) {
        case .inherited(let descriptor):
            let copy = dup(descriptor)
            guard copy >= 0 else { throw FileError.unwritable(path: path, reason: OutputFile.errorText()) }
            fd = copy
            replaced = nil
            temporary = nil
        case .stream(let target):
            let opened = OutputFile.retrying { open(target, O_WRONLY | O_NOCTTY) }
            guard opened >= 0 else { throw FileError.unwritable(path: path, reason: OutputFile.errorText()) }
            fd = opened
            replaced = nil
            temporary = nil
        case .replace(let target, let mode):
            // A name of our own even when two outputs lead to one target (links, threads).
            var name = "\(target).tmp-\(getpid())"
            var opened: Int32 = -1
            for attempt in 1...100 {
                opened = OutputFile.retrying { open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY, 0o644) }
                if opened >= 0 || errno != EEXIST { break }
                name = "\(target).tmp-\(getpid())-\(attempt)"
            }
            guard opened >= 0 else { throw FileError.unwritable(path: path, reason: OutputFile.errorText()) }
            // The new file keeps the permissions of the one it replaces.
            if let mode { _ = fchmod(opened, mode) }
            fd = opened
            replaced = target
            temporary = name
        }
    }

    /// A stream already open: `borrowed` ones (standard output) are never closed here.
    private init(descriptor: Int32, name: String, borrowed: Bool) {
        path = name
        fd = descriptor
        self.borrowed = borrowed
        replaced = nil
        temporary = nil
    }

    /// Standard output (`-` where a command documents it), written as a stream and never closed.
    public static var standardOutput: OutputFile { OutputFile(descriptor: 1, name: "standard output", borrowed: true) }

    deinit {
        if !committed { discard() }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes all of `buffer` (continuing after short writes and interruptions).
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        precondition(fd >= 0, "OutputFile: write after close")
        var written = 0
        while written < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure()
            }
            if n == 0 { throw FileError.unwritable(path: path, reason: "nothing written") }
            written += n
        }
    }

    /// Ends the writing: fsyncs and closes a temporary file, closes a stream. Nothing is renamed
    /// yet; on an error the temporary is removed and the old file stays.
    public func close() throws {
        guard fd >= 0 else { return }
        let descriptor = fd
        fd = -1
        if borrowed { return }
        // A stream has nothing to make durable (fsync on a pipe or a terminal fails with EINVAL).
        if temporary != nil && fsync(descriptor) != 0 {
            let error = failure()
            _ = Glibc.close(descriptor)
            discard()
            throw error
        }
        if Glibc.close(descriptor) != 0 && errno != EINTR {
            let error = failure()
            discard()
            throw error
        }
    }

    /// Closes if still open, then puts a temporary file in place of the file it replaces and
    /// fsyncs that directory, so that the new name survives a crash.
    public func commit() throws {
        try close()
        committed = true
        guard let temporary, let replaced else { return }
        guard rename(temporary, replaced) == 0 else {
            let error = FileError.unwritable(path: path, reason: OutputFile.errorText())
            unlink(temporary)
            throw error
        }
        let directory = OutputFile.directory(of: replaced)
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY)
        guard dirfd >= 0 else { return }
        defer { _ = Glibc.close(dirfd) }
        // Some file systems cannot sync a directory (EINVAL); the rename itself is done.
        if fsync(dirfd) != 0 && errno != EINVAL && errno != EROFS {
            throw FileError.unwritable(path: directory, reason: OutputFile.errorText())
        }
    }

    /// Gives up: closes without checking and removes the temporary file; the old file stays.
    public func discard() {
        if fd >= 0 && !borrowed { _ = Glibc.close(fd) }
        fd = -1
        committed = true
        if let temporary { unlink(temporary) }
    }

    /// Writes `bytes` as the whole of `path`: open, write, commit.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let file = try OutputFile(path)
        try file.write(bytes)
        try file.commit()
    }

    /// Appends `bytes` to `path` (created if missing) through a descriptor opened for it, for a
    /// log that grows line by line; errors as for `write`.
    public static func append(_ bytes: [UInt8], to path: String) throws {
        let opened = retrying { open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOCTTY, 0o644) }
        guard opened >= 0 else { throw FileError.unwritable(path: path, reason: errorText()) }
        let file = OutputFile(descriptor: opened, name: path, borrowed: false)
        try file.write(bytes)
        try file.commit()
    }

    // MARK: - What a path is

    enum Kind: Equatable {
        /// Atomic replacement of this regular file (or new one); `mode` is the old file's.
        case replace(target: String, mode: mode_t?)
        /// Written in place through a new descriptor.
        case stream(target: String)
        /// One of this process's descriptors, written through a duplicate.
        case inherited(fd: Int32)
    }

    /// Follows the symlinks at the end of `path` and says how it is to be written.
    static func classify(_ path: String) throws -> Kind {
        if path.isEmpty { throw FileError.unwritable(path: path, reason: "empty path") }
        var current = path
        for _ in 0..<40 {
            // `/proc/<pid>/fd/N` (and `/dev/std*`, `/dev/fd/N`, which lead there) are links the
            // kernel resolves to the open file itself, even a pipe; what readlink says of them is
            // only a description.
            if let descriptor = procDescriptor(current) {
                return descriptor.own ? .inherited(fd: descriptor.fd) : .stream(target: current)
            }
            var info = stat()
            if lstat(current, &info) != 0 {
                if errno == ENOENT { return .replace(target: current, mode: nil) }
                throw FileError.unwritable(path: path, reason: errorText())
            }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                guard let link = readLink(current) else { throw FileError.unwritable(path: path, reason: errorText()) }
                current = link.hasPrefix("/") ? link : join(directory(of: current), link)
            case S_IFREG:
                return .replace(target: current, mode: info.st_mode & 0o777)
            case S_IFDIR:
                throw FileError.isDirectory(path: path)
            default:
                return .stream(target: current)
            }
        }
        throw FileError.unwritable(path: path, reason: String(cString: strerror(ELOOP)))
    }

    /// The descriptor a `/proc/…/fd/N` link stands for, and whether it is this process's own.
    private static func procDescriptor(_ path: String) -> (fd: Int32, own: Bool)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, let fd = Int32(parts[parts.count - 1]), fd >= 0 else { return nil }
        guard let parent = realPath(directory(of: path)) else { return nil }
        let dirs = parent.split(separator: "/")
        guard dirs.count >= 3, dirs[0] == "proc", dirs[dirs.count - 1] == "fd" else { return nil }
        // /proc/<pid>/fd or /proc/<pid>/task/<tid>/fd
        let own = dirs[1] == "\(getpid())" || dirs[1] == "self" || dirs[1] == "thread-self"
        return (fd, own)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }

    private func failure() -> Error {
        if errno == EPIPE { return BrokenPipe(path: path) }
        return FileError.unwritable(path: path, reason: OutputFile.errorText())
    }

    private static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}

/// The reader of a pipe we write to has gone (`nmt tokenize … | head -1`): not an error to report;
/// the command stops quietly.
public struct BrokenPipe: Error, Equatable {
    public let path: String
}
