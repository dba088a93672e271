import IO

/// The merge list of byte pair encoding (Sennrich et al. 2016), in subword-nmt 0.3.8's file format:
/// a `#version: 0.2` header, then one merge `left right` per line, most frequent first.
///
/// Version 0.2 marks the end of a word by attaching `</w>` to its last character (`e</w>`);
/// version 0.1 (a file without header) used `</w>` as a symbol of its own. A merge may appear
/// twice in a file; the first occurrence gives its rank (`BPE` resolves that).
public struct BPECodes: Sendable, Equatable {
    public enum Version: Sendable, Equatable {
        case v0_1
        case v0_2
    }

    public var version: Version
    /// The merges in file order: each joins the symbols `left` and `right` into `left + right`.
    public var merges: [(left: String, right: String)]

    /// - Parameter merges: pairs of non-empty symbols without spaces (`precondition`).
    public init(merges: [(String, String)], version: Version = .v0_2) {
        for (left, right) in merges {
            precondition(!left.isEmpty && !right.isEmpty && !left.contains(" ") && !right.contains(" "),
                         "a BPE symbol is non-empty and has no space")
        }
        self.merges = merges.map { (left: $0.0, right: $0.1) }
        self.version = version
    }

    /// Reads a codes file as subword-nmt's `apply-bpe -c` does.
    ///
    /// A first line starting with `#version:` gives the version (`0.2`, or `0.1`; trailing `.0`s are
    /// ignored); without it the file is version 0.1 and its first line is a merge. Each other line,
    /// stripped of spaces and `\r`, must be two units separated by one space; empty lines at the end
    /// are ignored. Unlike subword-nmt, a first line starting with `#` that is not a version header is
    /// an error (subword-nmt would read it as a merge of `#` and a word), a file without merges is
    /// valid (subword-nmt stops at its empty "line 2"), and a UTF-8 byte-order mark is skipped.
    /// - Throws: `FileError` when the file cannot be read; `BPECodesError` naming the line at fault.
    /// - Complexity: O(file size).
    public init(contentsOf path: String) throws {
        let lines = try FileSystem.readLines(path)
        var merges: [(left: String, right: String)] = []
        merges.reserveCapacity(lines.count)
        var version = Version.v0_1
        // subword-nmt strips the `\n`s at the end of the file, so empty last lines are no merges.
        var last = lines.count
        while last > 0 && lines.range(last - 1).isEmpty { last -= 1 }
        try lines.bytes.withUnsafeBufferPointer { all in
            for index in 0..<last {
                let line = UnsafeBufferPointer(rebasing: all[lines.range(index)])
                guard UTF8Repair.isValid(line) else { throw FileError.invalidUTF8(path: path, line: index + 1) }
                if index == 0 && line.first == UInt8(ascii: "#") {
                    version = try Self.parseHeader(String(decoding: line, as: UTF8.self), path: path)
                    continue
                }
                // `item.strip('\r\n ').split(' ')` must give exactly two units.
                var start = 0
                var end = line.count
                while start < end && Self.isStripped(line[start]) { start += 1 }
                while end > start && Self.isStripped(line[end - 1]) { end -= 1 }
                let units = UnsafeBufferPointer(rebasing: line[start..<end]).split(
                    separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
                guard units.count == 2 else {
                    throw BPECodesError.malformedLine(path: path, line: index + 1, units: units.count)
                }
                merges.append((left: String(decoding: units[0], as: UTF8.self),
                               right: String(decoding: units[1], as: UTF8.self)))
            }
        }
        self.merges = merges
        self.version = version
    }

    /// The codes file: for version 0.2 the header, then `left right\n` per merge. Version 0.1 has
    /// no header, unless its first merge starts with `#` and would read as one.
    /// - Complexity: O(total length of the merges).
    public func fileContents() -> [UInt8] {
        var out = [UInt8]()
        if version == .v0_2 { out.append(contentsOf: "#version: 0.2\n".utf8) }
        if version == .v0_1, merges.first?.left.hasPrefix("#") == true { out.append(contentsOf: "#version: 0.1\n".utf8) }
        for (left, right) in merges {
            out.append(contentsOf: left.utf8)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: right.utf8)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    public static func == (a: BPECodes, b: BPECodes) -> Bool {
        a.version == b.version && a.merges.count == b.merges.count
            && zip(a.merges, b.merges).allSatisfy { $0.left == $1.left && $0.right == $1.right }
    }

    @inline(__always)
    private static func isStripped(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    /// subword-nmt: `re.sub(r'(\.0+)*$', '', firstline.split()[-1]).split(".")` as integers.
    private static func parseHeader(_ header: String, path: String) throws -> Version {
        let unsupported = BPECodesError.unsupportedHeader(path: path, header: header)
        guard header.hasPrefix("#version:"),
              var number = header.split(whereSeparator: { $0.isWhitespace }).last.map(String.init)
        else { throw unsupported }
        while let dot = number.lastIndex(of: "."), dot != number.startIndex,
              number[number.index(after: dot)...].allSatisfy({ $0 == "0" }),
              number.index(after: dot) != number.endIndex {
            number = String(number[..<dot])
        }
        let components = number.split(separator: ".", omittingEmptySubsequences: false)
        guard components.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
            throw unsupported
        }
        switch components.map({ Int($0) ?? -1 }) {
        case [0, 1]: return .v0_1
        case [0, 2]: return .v0_2
        default: throw unsupported
        }
    }
}

/// Errors reading a BPE codes file; each names the file and the line at fault.
public enum BPECodesError: UserError, Equatable {
    /// A line that is not exactly two units separated by one space (`units` is how many it has).
    case malformedLine(path: String, line: Int, units: Int)
    /// A first line starting with `#` that is not `#version: 0.1` or `#version: 0.2`.
    case unsupportedHeader(path: String, header: String)

    public var description: String {
        switch self {
        case .malformedLine(let path, let line, let units):
            return "\(path):\(line): expected two subword units separated by one space, found \(units)"
        case .unsupportedHeader(let path, let header):
            return "\(path):1: unsupported BPE codes header '\(header)' (expected '#version: 0.2')"
        }
    }
}
