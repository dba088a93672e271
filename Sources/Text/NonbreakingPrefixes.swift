#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IO

/// Moses' nonbreaking prefix lists for English and French, and a lookup over them.
///
/// The two lists below are the files `nonbreaking_prefix.en` and `nonbreaking_prefix.fr` of the Moses
/// toolkit (mosesdecoder, `scripts/share/nonbreaking_prefixes/`), copied verbatim as sacremoses 0.2.0
/// ships them. Moses is licensed under the GNU LGPL 2.1; these lists are its data, kept unchanged.
///
/// A token `prefix.` keeps its period attached when `prefix` is on the list, except for entries
/// marked `#NUMERIC_ONLY#`, which only hold before a number ("No. 5" but "It is No.").
public struct NonbreakingPrefixes: Sendable {
    /// What the list says about a prefix.
    public enum Kind: Sendable, Equatable {
        /// Not on the list.
        case none
        /// Always nonbreaking.
        case always
        /// Nonbreaking only before a token that starts with a digit 0-9.
        case numericOnly
    }

    /// All entries' scalars back to back; entry `i` is `scalars[starts[i]..<starts[i + 1]]`.
    private let scalars: [UInt32]
    private let starts: [Int]
    private let kinds: [Kind]
    /// Open-addressing hash table of entry indices (-1 = empty), a power of two long.
    private let slots: [Int32]
    /// The longest entry, in scalars: longer prefixes are not looked up.
    public let longest: Int

    /// The list for `language` ("en" or "fr"), or nil for any other language.
    public init?(language: String) {
        guard let contents = Self.files[language] else { return nil }
        self.init(contents: contents)
    }

    /// Parses a prefix file as sacremoses does: lines are stripped, empty lines and lines starting
    /// with `#` are skipped, and an entry containing whitespace followed by `#NUMERIC_ONLY#` is
    /// numeric-only for the text before its last space.
    public init(contents: String) {
        let classes = CharacterClasses.shared
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { classes.flags(scalar.value) & CharacterClasses.space != 0 }
        var entries: [(key: [UInt32], kind: Kind)] = []
        var numericOnly: [[UInt32]] = []
        for rawLine in contents.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Array(rawLine.unicodeScalars)
            while let first = line.first, isSpace(first) { line.removeFirst() }
            while let last = line.last, isSpace(last) { line.removeLast() }
            if line.isEmpty || line[0] == "#" { continue }
            entries.append((line.map(\.value), .always))
            // sacremoses: `w.rpartition(" ")[0]`, the text before the last space.
            if Self.hasNumericOnlyMarker(line) {
                let lastSpace = line.lastIndex(of: " ") ?? 0
                numericOnly.append(line[..<lastSpace].map(\.value))
            }
        }
        for key in numericOnly {
            if let i = entries.firstIndex(where: { $0.key == key }) { entries[i].kind = .numericOnly }
            else { entries.append((key, .numericOnly)) }
        }
        var scalars: [UInt32] = []
        var starts: [Int] = [0]
        for entry in entries { scalars += entry.key; starts.append(scalars.count) }
        var size = 16
        while size < entries.count * 4 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (index, entry) in entries.enumerated() {
            var slot = entry.key.withUnsafeBufferPointer { Self.hash($0) } & (size - 1)
            while slots[slot] >= 0 {
                let other = entries[Int(slots[slot])].key
                if other == entry.key { break }    // a repeated line: the first one wins
                slot = (slot + 1) & (size - 1)
            }
            if slots[slot] < 0 { slots[slot] = Int32(index) }
        }
        self.scalars = scalars
        self.starts = starts
        self.kinds = entries.map(\.kind)
        self.slots = slots
        self.longest = entries.map(\.key.count).max() ?? 0
    }

    /// sacremoses' `\s#NUMERIC_ONLY#`: the marker preceded by whitespace.
    private static func hasNumericOnlyMarker(_ line: [Unicode.Scalar]) -> Bool {
        let marker = Array("#NUMERIC_ONLY#".unicodeScalars)
        guard line.count > marker.count else { return false }
        let classes = CharacterClasses.shared
        return (1...(line.count - marker.count)).contains { start in
            classes.flags(line[start - 1].value) & CharacterClasses.space != 0
                && Array(line[start..<(start + marker.count)]) == marker
        }
    }

    /// What the list says about `prefix` (the token without its final period).
    /// - Complexity: O(length of `prefix`), no allocation.
    @inline(__always)
    public func kind(of prefix: UnsafeBufferPointer<UInt32>) -> Kind {
        if prefix.count > longest || prefix.isEmpty { return .none }
        return scalars.withUnsafeBufferPointer { scalars in
            slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                var slot = Self.hash(prefix) & mask
                while true {
                    let index = Int(slots[slot])
                    if index < 0 { return .none }
                    let start = starts[index], end = starts[index + 1]
                    if end - start == prefix.count && memcmp(scalars.baseAddress! + start, prefix.baseAddress!,
                                                             prefix.count * 4) == 0 {
                        return kinds[index]
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// FNV-1a over the scalars, one scalar a unit, with its high bits folded into the low ones
    /// that pick the slot.
    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt32>) -> Int {
        var hash = FNV1a()
        for scalar in key { hash.add(unit: UInt64(scalar)) }
        return Int(truncatingIfNeeded: hash.value ^ (hash.value >> 29))
    }

    /// The prefix files by language code.
    static let files: [String: String] = ["en": english, "fr": french]
}
