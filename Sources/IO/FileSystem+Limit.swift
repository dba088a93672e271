#if canImport(Glibc)
import Glibc
#endif

extension FileSystem {
    /// Reads a whole file of at most `limit` bytes, without reading further: nil when it is
    /// larger (a recipe pointed at `/dev/zero` or a corpus must not be read to its end first).
    /// - Throws: `FileError` when the path is missing, a directory, or unreadable.
    public static func readBytes(_ path: String, limit: Int) throws -> [UInt8]? {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT || errno == ENOTDIR { throw FileError.notFound(path: path) }
            throw FileError.unreadable(path: path, reason: errorText())
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError.isDirectory(path: path) }
        if (info.st_mode & S_IFMT) == S_IFREG && Int(info.st_size) > limit { return nil }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError.unreadable(path: path, reason: errorText()) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var filled = 0
        while filled <= limit {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, limit + 1 - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR { throw FileError.isDirectory(path: path) }
                throw FileError.unreadable(path: path, reason: errorText())
            }
            if n == 0 { break }
            filled += n
        }
        guard filled <= limit else { return nil }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }
}
