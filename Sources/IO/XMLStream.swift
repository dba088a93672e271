#if canImport(Glibc)
import Glibc
#endif

/// A streaming (pull) reader of an XML file in UTF-8: it hands out start tags, end tags and text
/// one at a time, reading the file in 1 MB blocks, so a file of any size is read in bounded
/// memory (no document tree). What a TMX translation memory needs of XML 1.0: elements and
/// attributes (`'` or `"` quoted), the five named entities and character references, CDATA
/// sections, and comments, processing instructions and a DOCTYPE skipped.
///
/// Anything not well-formed (a tag left open at the end, an end tag that does not match, an
/// unknown entity, text outside the root, invalid UTF-8) throws `XMLError` naming the file and
/// the line: past such a fault nothing that follows can be trusted.
public struct XMLStream {
    public enum Event: Equatable {
        /// A start tag, its attributes as written (names with their prefix, values decoded).
        /// An empty-element tag `<a/>` gives `start` then `end`.
        case start(name: String, attributes: [(String, String)])
        case end(name: String)
        /// Character data, entities and character references decoded, CDATA included.
        case text([UInt8])

        public static func == (a: Event, b: Event) -> Bool {
            switch (a, b) {
            case let (.start(n1, a1), .start(n2, a2)): return n1 == n2 && a1.elementsEqual(a2) { $0 == $1 }
            case let (.end(n1), .end(n2)): return n1 == n2
            case let (.text(t1), .text(t2)): return t1 == t2
            default: return false
            }
        }
    }

    public let path: String
    /// The line (from 1) of the byte the reader is at: where the last event ended.
    public private(set) var line = 1
    private let fd: Int32
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    private var atEnd = false
    private var open: [String] = []
    private var pendingEnd: String?
    private var sawRoot = false
    private var started = false

    /// Opens `path` for reading.
    /// - Throws: `FileError` when it cannot be opened.
    public init(path: String) throws {
        if FileSystem.isDirectory(path) { throw FileError.isDirectory(path: path) }
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw FileError.notFound(path: path) }
            throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        self.init(fd: fd, path: path)
    }

    /// Reads `fd` (closed by `close()`), naming it `path` in errors.
    public init(fd: Int32, path: String, blockSize: Int = 1 << 20) {
        self.fd = fd
        self.path = path
        buffer = [UInt8](repeating: 0, count: blockSize)
    }

    public func close() { _ = Glibc.close(fd) }

    /// The next event, or nil at the end of a well-formed document.
    public mutating func next() throws -> Event? {
        if let name = pendingEnd {
            pendingEnd = nil
            return .end(name: name)
        }
        if !started {
            started = true
            try skipByteOrderMark()
        }
        while true {
            guard let byte = try peek() else {
                if let unclosed = open.last { throw error("the file ends inside <\(unclosed)>, which is never closed") }
                if !sawRoot { throw error("no root element (is this an XML file?)") }
                return nil
            }
            if byte != UInt8(ascii: "<") {
                let text = try readText()
                if open.isEmpty {
                    if text.contains(where: { !Self.isSpace($0) }) { throw error("text outside the root element") }
                    continue
                }
                return .text(text)
            }
            advance()
            guard let kind = try peek() else { throw error("the file ends inside a tag") }
            switch kind {
            case UInt8(ascii: "?"):
                try skip(past: Array("?>".utf8), what: "processing instruction")
            case UInt8(ascii: "!"):
                advance()
                if try consume("--") {
                    try skip(past: Array("-->".utf8), what: "comment")
                } else if try consume("[CDATA[") {
                    guard !open.isEmpty else { throw error("CDATA outside the root element") }
                    return .text(try readUntil(Array("]]>".utf8), what: "CDATA section"))
                } else if try consume("DOCTYPE") {
                    try skipDoctype()
                } else {
                    throw error("'<!' that starts no comment, CDATA section or DOCTYPE")
                }
            case UInt8(ascii: "/"):
                advance()
                let name = try readName()
                skipSpaces()
                guard try peek() == UInt8(ascii: ">") else { throw error("'>' expected after </\(name)") }
                advance()
                guard let expected = open.popLast() else { throw error("</\(name)> closes no open element") }
                guard expected == name else { throw error("</\(name)> where </\(expected)> was expected") }
                return .end(name: name)
            default:
                return try readStartTag()
            }
        }
    }

    // MARK: - Tags

    private mutating func readStartTag() throws -> Event {
        if open.isEmpty && sawRoot { throw error("a second root element") }
        let name = try readName()
        var attributes: [(String, String)] = []
        while true {
            let spaced = skipSpaces()
            guard let byte = try peek() else { throw error("the file ends inside <\(name)>") }
            if byte == UInt8(ascii: ">") {
                advance()
                open.append(name)
                sawRoot = true
                return .start(name: name, attributes: attributes)
            }
            if byte == UInt8(ascii: "/") {
                advance()
                guard try peek() == UInt8(ascii: ">") else { throw error("'>' expected after '/' in <\(name)>") }
                advance()
                sawRoot = true
                pendingEnd = name
                return .start(name: name, attributes: attributes)
            }
            guard spaced else { throw error("a space expected before an attribute of <\(name)>") }
            let attribute = try readName()
            skipSpaces()
            guard try peek() == UInt8(ascii: "=") else { throw error("'=' expected after attribute \(attribute) of <\(name)>") }
            advance()
            skipSpaces()
            guard let quote = try peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw error("attribute \(attribute) of <\(name)> has no quoted value")
            }
            advance()
            var value: [UInt8] = []
            while true {
                guard let byte = try peek() else { throw error("the file ends inside attribute \(attribute) of <\(name)>") }
                advance()
                if byte == quote { break }
                if byte == UInt8(ascii: "<") { throw error("'<' inside attribute \(attribute) of <\(name)>") }
                if byte == UInt8(ascii: "&") { try readReference(into: &value) } else { value.append(byte) }
            }
            guard Self.isValid(value) else { throw error("invalid UTF-8") }
            if attributes.contains(where: { $0.0 == attribute }) { throw error("attribute \(attribute) twice in <\(name)>") }
            attributes.append((attribute, String(decoding: value, as: UTF8.self)))
        }
    }

    /// An element or attribute name: a letter, `_` or `:` (or any non-ASCII byte), then also
    /// digits, `-` and `.`.
    private mutating func readName() throws -> String {
        var name: [UInt8] = []
        while let byte = try peek() {
            let ok = Self.isNameStart(byte) || (!name.isEmpty && (Self.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")))
            guard ok else { break }
            name.append(byte)
            advance()
        }
        guard !name.isEmpty else { throw error("a name expected after '<'") }
        guard Self.isValid(name) else { throw error("invalid UTF-8") }
        return String(decoding: name, as: UTF8.self)
    }

    // MARK: - Text

    /// Character data up to the next `<` (or the end), references decoded.
    private mutating func readText() throws -> [UInt8] {
        var text: [UInt8] = []
        while let byte = try peek(), byte != UInt8(ascii: "<") {
            advance()
            if byte == UInt8(ascii: "&") { try readReference(into: &text) } else { text.append(byte) }
        }
        guard Self.isValid(text) else { throw error("invalid UTF-8") }
        return text
    }

    /// After `&`: `amp;`, `lt;`, `gt;`, `quot;`, `apos;`, `#N;` or `#xH;`, appended as UTF-8.
    private mutating func readReference(into output: inout [UInt8]) throws {
        var name: [UInt8] = []
        while true {
            guard let byte = try peek() else { throw error("the file ends inside an entity reference") }
            advance()
            if byte == UInt8(ascii: ";") { break }
            name.append(byte)
            if name.count > 10 { throw error("'&' that starts no entity reference (write &amp;)") }
        }
        let text = String(decoding: name, as: UTF8.self)
        let named: [String: UInt8] = ["amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27]
        if let byte = named[text] { output.append(byte); return }
        var scalar: Unicode.Scalar? = nil
        if text.hasPrefix("#x") || text.hasPrefix("#X") {
            scalar = UInt32(text.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        } else if text.hasPrefix("#") {
            scalar = UInt32(text.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
        } else {
            throw error("unknown entity &\(text);")
        }
        guard let scalar, scalar.value != 0 else { throw error("invalid character reference &\(text);") }
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// The bytes before `terminator`, which is consumed.
    private mutating func readUntil(_ terminator: [UInt8], what: String) throws -> [UInt8] {
        var text: [UInt8] = []
        while true {
            guard let byte = try peek() else { throw error("the file ends inside a \(what)") }
            advance()
            text.append(byte)
            if byte == terminator.last!, text.count >= terminator.count, text.suffix(terminator.count).elementsEqual(terminator) {
                text.removeLast(terminator.count)
                guard Self.isValid(text) else { throw error("invalid UTF-8") }
                return text
            }
        }
    }

    private mutating func skip(past terminator: [UInt8], what: String) throws {
        var last: [UInt8] = []     // the last terminator.count bytes
        while !last.elementsEqual(terminator) {
            guard let byte = try peek() else { throw error("the file ends inside a \(what)") }
            advance()
            if last.count == terminator.count { last.removeFirst() }
            last.append(byte)
        }
    }

    /// A DOCTYPE, its internal subset (`[…]`) included.
    private mutating func skipDoctype() throws {
        var depth = 0
        while true {
            guard let byte = try peek() else { throw error("the file ends inside the DOCTYPE") }
            advance()
            if byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: "]") { depth -= 1 }
            if byte == UInt8(ascii: ">") && depth <= 0 { return }
        }
    }

    // MARK: - Bytes

    /// Skips a UTF-8 byte order mark; UTF-16 (a BOM, or `<` with a zero byte) is an error.
    private mutating func skipByteOrderMark() throws {
        while filled - position < 3 && !atEnd { try refill() }
        let head = Array(buffer[position..<min(filled, position + 3)])
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { position += 3; return }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0x3C, 0x00]) || head.starts(with: [0x00, 0x3C]) {
            throw error("UTF-16 is not read; convert the file to UTF-8 first (iconv -f UTF-16 -t UTF-8)")
        }
    }

    private mutating func peek() throws -> UInt8? {
        if position == filled {
            if atEnd { return nil }
            try refill()
            if position == filled { return nil }
        }
        return buffer[position]
    }

    private mutating func advance() {
        if buffer[position] == 0x0A { line += 1 }
        position += 1
    }

    /// Consumes `word` when the input continues with it.
    private mutating func consume(_ word: String) throws -> Bool {
        let bytes = Array(word.utf8)
        // Make sure the whole word is in the buffer (it may straddle a block).
        while filled - position < bytes.count && !atEnd { try refill() }
        guard filled - position >= bytes.count, buffer[position..<(position + bytes.count)].elementsEqual(bytes) else { return false }
        for _ in bytes { advance() }
        return true
    }

    @discardableResult
    private mutating func skipSpaces() -> Bool {
        var skipped = false
        while let byte = try? peek(), Self.isSpace(byte) { advance(); skipped = true }
        return skipped
    }

    /// Moves what is left to the front and reads more after it.
    private mutating func refill() throws {
        if position > 0 {
            let first = position, count = filled - position
            buffer.withUnsafeMutableBufferPointer { b in
                for i in 0..<count { b[i] = b[first + i] }
            }
            filled = count
            position = 0
        }
        // Full (a word looked ahead for straddles a tiny block): grow.
        if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        while true {
            let capacity = buffer.count - filled
            let start = filled, fd = self.fd
            let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + start, capacity) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { atEnd = true }
            filled += got
            return
        }
    }

    private func error(_ message: String) -> XMLError { XMLError(path: path, line: line, message: message) }

    static func isValid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer(UTF8Repair.isValid) }
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x3A || byte >= 0x80
    }
}

/// XML that is not well-formed: one line naming the file and the line of the fault.
public struct XMLError: UserError, Equatable {
    public let path: String
    public let line: Int
    public let message: String

    public init(path: String, line: Int, message: String) {
        (self.path, self.line, self.message) = (path, line, message)
    }

    public var description: String { "\(path):\(line): invalid XML: \(message)" }
}
