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
    private var scratch: [UInt8] = []
    private var atStart = true
    private var finished = false
    /// Number of lines handed out so far (to number lines in messages).
    public private(set) var linesRead = 0
    /// The longest line read (256 MB): no text has lines near this, and an input without line
    /// ends (`/dev/zero`, a binary file) must not be gathered into one line until memory runs out.
    public static let maximumLineBytes = 1 << 28
    private let maximumLineBytes: Int

    public init(fd: Int32 = 0, path: String = "<stdin>", blockSize: Int = 1 << 22, maximumLineBytes: Int = LineStream.maximumLineBytes) {
        self.fd = fd
        self.maximumLineBytes = maximumLineBytes
        self.path = path
        self.blockSize = blockSize
    }

    /// The next block of whole lines, or nil at the end of the input.
    ///
    /// Reads (a pipe gives 64 KB at a time) until a block's worth of bytes is in, or until the
    /// input has nothing more waiting after a whole line (someone typing, or a program that
    /// writes a line and waits for its answer), then hands out the lines up to the last newline
    /// and keeps the rest for the next block. One read buffer is reused throughout: a fresh 4 MB
    /// buffer per read cost more in page faults than the work.
    public mutating func next() throws -> LineBuffer? {
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: min(blockSize, 1 << 20)) }
        var haveLine = pending.contains(0x0A)
        while !finished && pending.count < blockSize {
            if haveLine && !moreIsWaiting() { break }
            let capacity = scratch.count
            let got = scratch.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, capacity) }
            if got < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR { throw FileError.isDirectory(path: path) }
                throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { finished = true; break }
            pending.append(contentsOf: scratch[0..<got])
            if !haveLine { haveLine = scratch[0..<got].contains(0x0A) }
        }
        if pending.isEmpty { return nil }
        var chunk: [UInt8]
        if !finished, let lastNewline = pending.lastIndex(of: 0x0A) {
            chunk = Array(pending[0...lastNewline])
            pending = Array(pending[(lastNewline + 1)...])
        } else if !finished {
            // One line longer than a block: keep reading until its end.
            let before = pending.count
            if before > maximumLineBytes {
                throw FileError.unreadable(path: "\(path):\(linesRead + 1)", reason: "a line longer than \(maximumLineBytes >> 20) MB (is this a text file?)")
            }
            while !finished && pending[before...].firstIndex(of: 0x0A) == nil && pending.count < before * 2 {
                let capacity = scratch.count
                let got = scratch.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, capacity) }
                if got < 0 { if errno == EINTR { continue }; throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
                if got == 0 { finished = true; break }
                pending.append(contentsOf: scratch[0..<got])
            }
            return try next()
        } else {
            chunk = pending
            pending = []
        }
        if !atStart { chunk = stripBOMGuard(chunk) }
        atStart = false
        let lines = LineBuffer(contents: chunk)
        linesRead += lines.count
        return lines.isEmpty && finished && pending.isEmpty ? nil : lines
    }

    /// Whether a read would return at once (a regular file always; a pipe or terminal only when
    /// bytes or its end are already there).
    private func moreIsWaiting() -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&descriptor, 1, 0)
            if ready < 0 && errno == EINTR { continue }
            return ready != 0          // an error is left to the read that follows
        }
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
