import IO

/// A token vocabulary: ids for tokens, most frequent first, after the four specials of the
/// TensorFlow translate tutorial.
///
/// File format: one token a line, line `i` (from 0) is id `i`; the first four lines are
/// `<pad>`, `<go>`, `<eos>`, `<unk>`. Frequency order matters beyond readability: the sampled
/// softmax's log-uniform proposal (Jean et al. 2015) assumes id order is frequency order.
public struct Vocabulary: Sendable, Equatable {
    public static let pad = "<pad>", go = "<go>", eos = "<eos>", unk = "<unk>"
    public static let specials = [pad, go, eos, unk]
    /// The ids of the four specials, the lines they are on (`Batch.pad`, `.go`, `.eos` and `.unk` are these).
    public static let padID: Int32 = 0, goID: Int32 = 1, eosID: Int32 = 2, unkID: Int32 = 3

    /// Tokens by id, specials included.
    public let tokens: [String]
    private let ids: [String: Int32]

    public init(tokens: [String]) {
        self.tokens = tokens
        var ids = [String: Int32](minimumCapacity: tokens.count)
        for (i, token) in tokens.enumerated() where ids[token] == nil { ids[token] = Int32(i) }
        self.ids = ids
    }

    public var count: Int { tokens.count }

    /// The id of a token, `unkID` when it is not in the vocabulary.
    @inlinable public func id(_ token: String) -> Int32 { lookup(token) ?? Vocabulary.unkID }

    public func lookup(_ token: String) -> Int32? { ids[token] }

    public func token(_ id: Int32) -> String {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : Vocabulary.unk
    }

    /// Builds a vocabulary from token counts.
    ///
    /// Tokens are sorted by count (descending), ties by byte order (ascending), so the order does
    /// not depend on the input's order or on hashing. Special tokens met in the text are not
    /// counted (they already have their ids).
    /// - Parameters:
    ///   - size: the most entries in all, specials included (`nil`: no limit).
    ///   - minCount: tokens seen fewer times are left out.
    /// - Complexity: O(n log n) in the number of distinct tokens.
    public init(counts: TokenCounts, size: Int? = nil, minCount: Int = 1) {
        let specials = Set(Vocabulary.specials)
        var entries = counts.counts.filter { $0.value >= minCount && !specials.contains($0.key) }
            .map { (token: $0.key, utf8: Array($0.key.utf8), count: $0.value) }
        entries.sort { a, b in
            a.count != b.count ? a.count > b.count : a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        var tokens = Vocabulary.specials
        let room = size.map { max(0, $0 - tokens.count) } ?? entries.count
        tokens += entries.prefix(room).map(\.token)
        self.init(tokens: tokens)
    }

    /// The file contents: one token a line.
    public func fileContents() -> [UInt8] {
        LineBuffer(lines: tokens).fileContents()
    }

    /// Reads a vocabulary file.
    /// - Throws: `VocabularyError` when the specials are missing or out of place, a token repeats
    ///   or contains a space, or a line is not valid UTF-8.
    public init(contentsOf path: String) throws {
        let lines = try FileSystem.readLines(path)
        var tokens = [String]()
        tokens.reserveCapacity(lines.count)
        var seen = Set<String>()
        for i in 0..<lines.count {
            let valid = lines.withLine(i) { UTF8Repair.isValid($0) }
            guard valid else { throw FileError.invalidUTF8(path: path, line: i + 1) }
            let token = lines[i]
            if token.isEmpty || token.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 }) {
                throw VocabularyError.badToken(path: path, line: i + 1)
            }
            if i < Vocabulary.specials.count && token != Vocabulary.specials[i] {
                throw VocabularyError.missingSpecial(path: path, line: i + 1, expected: Vocabulary.specials[i])
            }
            if !seen.insert(token).inserted { throw VocabularyError.duplicate(path: path, line: i + 1, token: token) }
            tokens.append(token)
        }
        if tokens.count < Vocabulary.specials.count {
            throw VocabularyError.missingSpecial(path: path, line: tokens.count + 1,
                                                 expected: Vocabulary.specials[tokens.count])
        }
        self.init(tokens: tokens)
    }

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool { a.tokens == b.tokens }
}

/// Token frequencies of whitespace-tokenized text.
public struct TokenCounts: Sendable {
    public var counts: [String: Int] = [:]

    public init() {}

    /// Counts the space-separated tokens of every line (empty tokens from repeated spaces skipped).
    public mutating func add(_ lines: LineBuffer) {
        lines.bytes.withUnsafeBufferPointer { all in
            for i in 0..<lines.count {
                let r = lines.range(i)
                var start = r.lowerBound
                var j = r.lowerBound
                while j <= r.upperBound {
                    if j == r.upperBound || all[j] == 0x20 || all[j] == 0x09 {
                        if j > start {
                            let token = String(decoding: UnsafeBufferPointer(rebasing: all[start..<j]), as: UTF8.self)
                            counts[token, default: 0] += 1
                        }
                        start = j + 1
                    }
                    j += 1
                }
            }
        }
    }

    public var total: Int { counts.values.reduce(0, +) }
}

/// A vocabulary file that cannot be used.
public enum VocabularyError: UserError, Equatable {
    case missingSpecial(path: String, line: Int, expected: String)
    case duplicate(path: String, line: Int, token: String)
    case badToken(path: String, line: Int)

    public var description: String {
        switch self {
        case .missingSpecial(let path, let line, let expected):
            return "\(path):\(line): expected the special token \(expected) (a vocabulary starts with <pad> <go> <eos> <unk>)"
        case .duplicate(let path, let line, let token):
            return "\(path):\(line): token '\(token)' appears twice"
        case .badToken(let path, let line):
            return "\(path):\(line): a vocabulary line must be one token without spaces"
        }
    }
}
