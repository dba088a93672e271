/// The lines of a text file as UTF-8 bytes in one contiguous buffer.
///
/// Line ends (`\n` or `\r\n`) are not part of a line, and a UTF-8 byte-order mark at the start of
/// the file is dropped. A final line without `\n` still counts; an empty file has no lines.
/// Holding every line in one buffer keeps a 60,000-line corpus to two allocations and lets
/// threads work on disjoint line ranges without copying.
public struct LineBuffer: Sendable {
    /// All bytes, lines back to back (without their line ends).
    public private(set) var bytes: [UInt8]
    /// `ends[i]` is one past the last byte of line `i`; line `i` starts at `ends[i - 1]` (or 0).
    public private(set) var ends: [Int]

    public init() {
        bytes = []
        ends = []
    }

    public init<S: Sequence>(lines: S) where S.Element: StringProtocol {
        self.init()
        for line in lines { append(line.utf8) }
    }

    /// Splits raw file contents into lines (drops a leading BOM, `\r` before `\n`).
    public init(contents raw: [UInt8]) {
        self.init()
        var start = 0
        if raw.count >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF { start = 3 }
        bytes.reserveCapacity(raw.count)
        raw.withUnsafeBufferPointer { raw in
            var lineStart = start
            var i = start
            while i < raw.count {
                if raw[i] == 0x0A {
                    var end = i
                    if end > lineStart && raw[end - 1] == 0x0D { end -= 1 }
                    append(UnsafeBufferPointer(rebasing: raw[lineStart..<end]))
                    lineStart = i + 1
                }
                i += 1
            }
            if lineStart < raw.count {
                var end = raw.count
                if end > lineStart && raw[end - 1] == 0x0D { end -= 1 }
                append(UnsafeBufferPointer(rebasing: raw[lineStart..<end]))
            }
        }
    }

    public var count: Int { ends.count }
    public var isEmpty: Bool { ends.isEmpty }

    /// Byte range of line `i` in `bytes`.
    @inlinable public func range(_ i: Int) -> Range<Int> {
        (i == 0 ? 0 : ends[i - 1])..<ends[i]
    }

    /// Line `i` as a `String` (invalid UTF-8 repaired with U+FFFD).
    public subscript(i: Int) -> String {
        String(decoding: bytes[range(i)], as: UTF8.self)
    }

    /// Calls `body` with the bytes of line `i`; the pointer must not escape.
    @inlinable public func withLine<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = range(i)
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[r])) }
    }

    public mutating func append<C: Collection>(_ line: C) where C.Element == UInt8 {
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }

    public mutating func append(contentsOf other: LineBuffer) {
        let base = bytes.count
        bytes.append(contentsOf: other.bytes)
        ends.append(contentsOf: other.ends.lazy.map { $0 + base })
    }

    public mutating func reserveCapacity(bytes byteCount: Int, lines: Int) {
        bytes.reserveCapacity(byteCount)
        ends.reserveCapacity(lines)
    }

    /// The lines as a file: each followed by `\n`.
    public func fileContents() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + ends.count)
        var start = 0
        for end in ends {
            out.append(contentsOf: bytes[start..<end])
            out.append(0x0A)
            start = end
        }
        return out
    }

    /// All lines as strings.
    public var strings: [String] { (0..<count).map { self[$0] } }
}
