#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory (`mmap(PROT_READ, MAP_SHARED)`): the pages come from
/// the page cache, so processes that map the same file (the ranks of a training on one machine)
/// share one copy, and pages not touched are never read.
///
/// The mapping lives as long as this object; views into `bytes` must not outlive it.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The file's bytes (empty for an empty file, which is not mapped).
    public let bytes: UnsafeRawBufferPointer

    /// - Throws: `FileError` when the path is missing, a directory, or cannot be mapped.
    public init(_ path: String) throws {
        self.path = path
        let (fd, info) = try FileSystem.openForReading(path)
        defer { close(fd) }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            throw FileError.unreadable(path: path, reason: FileSystem.errorText())
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
