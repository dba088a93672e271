#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file for intermediate results too large for memory (a pass of `nmt prepare` writes what the
/// next one reads): created in a given directory and unlinked at once, so it has no name, nothing
/// else can see it, and the kernel frees it when this object closes it, even after a crash.
public final class ScratchFile {
    /// For messages: where it lives.
    public let path: String
    private let fd: Int32

    /// - Throws: `FileError.unwritable` when the directory does not take a new file.
    public init(directory: String, name: String) throws {
        path = "\(directory)/\(name).scratch-\(getpid())"
        var opened: Int32 = -1
        repeat { opened = open(path, O_RDWR | O_CREAT | O_TRUNC | O_EXCL, 0o600) } while opened < 0 && errno == EINTR
        guard opened >= 0 else { throw FileError.unwritable(path: path, reason: FileSystem.errorText()) }
        unlink(path)
        fd = opened
    }

    deinit { close(fd) }

    /// Appends all of `buffer`.
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        var written = 0
        while written < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileError.unwritable(path: path, reason: n < 0 ? FileSystem.errorText() : "nothing written") }
            written += n
        }
    }

    public func write<T: BitwiseCopyable>(_ values: [T]) throws {
        try values.withUnsafeBytes { try write($0) }
    }

    /// Its lines from the start, a block at a time, through a descriptor of their own: the reader
    /// outlives this object safely (an unlinked file lives while a descriptor is open).
    public func lines() throws -> LineFile {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw FileError.unreadable(path: path, reason: FileSystem.errorText()) }
        let copy = dup(fd)
        guard copy >= 0 else { throw FileError.unreadable(path: path, reason: FileSystem.errorText()) }
        return LineFile(descriptor: copy, path: path)
    }

    /// Calls `body` with the whole file from its start, in blocks of 4 MB (the last one shorter).
    public func forEachBlock(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw FileError.unreadable(path: path, reason: FileSystem.errorText()) }
        var block = [UInt8](repeating: 0, count: 1 << 22)
        var atEnd = false
        while !atEnd {
            var filled = 0
            while filled < block.count {
                let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw FileError.unreadable(path: path, reason: FileSystem.errorText()) }
                if n == 0 { atEnd = true; break }
                filled += n
            }
            if filled > 0 { try block.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<filled])) } }
        }
    }
}
