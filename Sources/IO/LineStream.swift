#if canImport(Glibc)
import Glibc
#endif

/// Reads a file descriptor (standard input by default) in large blocks and hands out the
/// complete lines of each block as a `LineBuffer`, so that a pipe of any length is processed in
/// bounded memory, several thousand lines at a time. Line ends and a leading BOM are handled as
/// in `LineBuffer(contents:)`.
public struct LineStream {
    private let fd: Int32
    private let path: String
    private let blockSize: Int
    private var pending: [UInt8] = []
    private var atStart = true
    private var finished = false
    /// Number of lines handed out so far (to number lines in messages).
    public private(set) var linesRead = 0

    public init(fd: Int32 = 0, path: String = "<stdin>", blockSize: Int = 1 << 22) {
        self.fd = fd
        self.path = path
        self.blockSize = blockSize
    }

    /// The next block of whole lines, or nil at the end of the input.
    public mutating func next() throws -> LineBuffer? {
        while !finished {
            var block = [UInt8](repeating: 0, count: blockSize)
            let got = block.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, blockSize) }
            if got < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR { throw FileError.isDirectory(path: path) }
                throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 {
                finished = true
                break
            }
            pending.append(contentsOf: block[0..<got])
            if let lastNewline = pending.lastIndex(of: 0x0A) {
                var chunk = Array(pending[0...lastNewline])
                pending.removeFirst(lastNewline + 1)
                if !atStart { chunk = stripBOMGuard(chunk) }
                atStart = false
                let lines = LineBuffer(contents: chunk)
                linesRead += lines.count
                return lines
            }
        }
        if pending.isEmpty { return nil }
        let chunk = atStart ? pending : stripBOMGuard(pending)
        pending = []
        atStart = false
        let lines = LineBuffer(contents: chunk)
        linesRead += lines.count
        return lines.isEmpty ? nil : lines
    }

    /// `LineBuffer(contents:)` drops a BOM at the start of what it is given; only the file's
    /// first block may lose one, so later blocks that begin with those bytes keep them.
    private func stripBOMGuard(_ chunk: [UInt8]) -> [UInt8] {
        if chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF {
            return [0xEF, 0xBB, 0xBF] + chunk
        }
        return chunk
    }
}
