/// Segments words into subword units with learned BPE merges (Sennrich et al. 2016), giving the same
/// output as subword-nmt 0.3.8's `apply-bpe -c CODES` (separator `@@`, no vocabulary, no
/// glossaries, no dropout).
///
/// Each word (`encode` in apply_bpe.py) starts as its characters, the last with `</w>`; the
/// adjacent pair with the lowest merge rank is merged everywhere in the word, left to right without
/// overlaps, until no adjacent pair has a rank. Every unit but the last gets `@@` appended.
/// Symbols and pairs are integer ids; a `Cache` per thread remembers each word's segmentation.
public struct BPE: Sendable {
    /// What every unit of a word but the last ends with.
    public static let separator = "@@"

    public let version: BPECodes.Version
    /// Every symbol the merges name or make; characters not in it cannot take part in a merge.
    private let symbols: ByteStringTable
    /// (left, right) → rank << 32 | id of left + right; the first occurrence of a merge gives its rank.
    private let merges: IntegerMap
    /// Ids of the one-byte symbols, and of those symbols with `</w>` (-1 when absent).
    private let asciiSymbol: [Int32]
    private let asciiFinalSymbol: [Int32]
    /// The id of the symbol `</w>` (version 0.1 appends it to every word), or -1.
    private let endOfWord: Int32

    /// - Complexity: O(total length of the merges).
    public init(codes: BPECodes) {
        version = codes.version
        var symbols = ByteStringTable(capacity: codes.merges.count * 2 + 256)
        var merges = IntegerMap(capacity: codes.merges.count)
        for (rank, merge) in codes.merges.enumerated() {
            let left = Array(merge.left.utf8)
            let right = Array(merge.right.utf8)
            let a = symbols.intern(left).id
            let b = symbols.intern(right).id
            let joined = symbols.intern(left + right).id
            _ = merges.findOrInsert(IntegerMap.key(a, b), rank << 32 | joined)
        }
        var asciiSymbol = [Int32](repeating: -1, count: 128)
        var asciiFinalSymbol = [Int32](repeating: -1, count: 128)
        for byte in 0..<128 {
            asciiSymbol[byte] = Int32([UInt8(byte)].withUnsafeBufferPointer { symbols.find($0) })
            asciiFinalSymbol[byte] = Int32(([UInt8(byte)] + Array("</w>".utf8)).withUnsafeBufferPointer { symbols.find($0) })
        }
        endOfWord = Int32(Array("</w>".utf8).withUnsafeBufferPointer { symbols.find($0) })
        self.symbols = symbols
        self.merges = merges
        self.asciiSymbol = asciiSymbol
        self.asciiFinalSymbol = asciiFinalSymbol
    }

    /// One thread's memory of segmented words (apply_bpe.py's `cache`) and scratch space, so that a
    /// repeated word costs one hash lookup and a segmentation allocates nothing.
    public struct Cache {
        /// Above this many words the cache starts again empty, bounding its memory.
        public var capacity: Int
        /// Each word, with its segmentation as payload.
        var words: ByteStringTable
        var workspace = Workspace()

        public init(capacity: Int = 1 << 20) {
            self.capacity = capacity
            words = ByteStringTable(capacity: min(capacity, 1 << 15))
        }
    }

    /// One unit of a word being segmented.
    struct Unit {
        /// The symbol id (-1 for a character no merge names).
        var symbol: Int32
        /// Where the unit starts in the word (`</w>` of version 0.1 starts at its end).
        var start: Int32
        /// rank << 32 | merged id of this unit and the next, or -1 when they are no merge.
        var pair: Int
    }

    /// Scratch space for segmenting one word.
    struct Workspace {
        var units: [Unit] = []
        var character: [UInt8] = []
    }

    /// Segments one line as `apply-bpe` does: its words (`line.strip('\r\n ').split(' ')`, empty ones
    /// skipped, so runs of spaces become one) joined by single spaces, with the line's leading and
    /// trailing spaces and `\r`s kept. Like `apply-bpe` reading a file through `codecs`, a line
    /// break character other than `\n` inside `line` (`\r`, `\v`, `\f`, U+001C–U+001E, U+0085,
    /// U+2028, U+2029) ends a line of its own, segmented separately and joined without a space.
    /// (Lines read with `LineBuffer` have lost the `\r` of a `\r\n` end, which apply-bpe keeps.)
    public func apply(_ line: String) -> String {
        var cache = Cache()
        var output: [UInt8] = []
        var bytes = Array(line.utf8)
        bytes.withUnsafeBufferPointer { apply($0, cache: &cache, into: &output) }
        bytes = output
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the segmentation of `utf8` (one line without its `\n`) to `output`; see `apply(_:)`.
    /// - Complexity: O(line length) when its words are in `cache`; a new word of n characters costs
    ///   O(n²) lookups at worst.
    public func apply(_ utf8: UnsafeBufferPointer<UInt8>, cache: inout Cache, into output: inout [UInt8]) {
        var start = 0
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte < 0x20 || byte == 0xC2 || byte == 0xE2 {
                let boundary = PythonText.lineBoundaryLength(utf8, at: i)
                if boundary > 0 {
                    i += boundary
                    processLine(UnsafeBufferPointer(rebasing: utf8[start..<i]), cache: &cache, into: &output)
                    start = i
                    continue
                }
            }
            i += 1
        }
        if start < utf8.count || start == 0 {
            processLine(UnsafeBufferPointer(rebasing: utf8[start...]), cache: &cache, into: &output)
        }
    }

    /// apply_bpe.py's `process_line`: leading and trailing `\r`, `\n` and spaces kept around the
    /// segmented words (a line of only those is kept as it is).
    private func processLine(_ line: UnsafeBufferPointer<UInt8>, cache: inout Cache, into output: inout [UInt8]) {
        @inline(__always) func isStripped(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
        }
        var leading = 0
        while leading < line.count && isStripped(line[leading]) { leading += 1 }
        if leading == line.count {
            output.append(contentsOf: line)
            return
        }
        var end = line.count
        while isStripped(line[end - 1]) { end -= 1 }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: line[0..<leading]))
        var first = true
        var wordStart = leading
        var i = leading
        while i <= end {
            if i == end || line[i] == UInt8(ascii: " ") {
                if i > wordStart {
                    if !first { output.append(UInt8(ascii: " ")) }
                    first = false
                    segment(UnsafeBufferPointer(rebasing: line[wordStart..<i]), cache: &cache, into: &output)
                }
                wordStart = i + 1
            }
            i += 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: line[end...]))
    }

    /// Appends the segmentation of one word, from the cache when it is there.
    @inline(__always)
    private func segment(_ word: UnsafeBufferPointer<UInt8>, cache: inout Cache, into output: inout [UInt8]) {
        if cache.words.count >= cache.capacity {
            cache.words.removeAll()
        }
        let (id, inserted) = cache.words.intern(word)
        if inserted {
            var workspace = cache.workspace
            cache.workspace = Workspace()
            cache.words.appendPayload { encode(word, workspace: &workspace, into: &$0) }
            cache.workspace = workspace
        }
        cache.words.withPayload(id) { output.append(contentsOf: $0) }
    }

    /// apply_bpe.py's `encode` followed by the separators: appends the units of `word` joined by `@@ `.
    ///
    /// Implementation note: rather than looking up every adjacent pair again after each merge (as
    /// apply_bpe.py does), each unit keeps the lookup of itself and the next, and only the pairs next
    /// to a merged unit are looked up again; the merges made are the same.
    private func encode(_ word: UnsafeBufferPointer<UInt8>, workspace: inout Workspace, into output: inout [UInt8]) {
        // `if len(orig) == 1: return orig` — a one-character word is never merged.
        if PythonText.characterLength(word, at: 0) == word.count {
            output.append(contentsOf: word)
            return
        }
        if workspace.units.count <= word.count {
            workspace.units = Array(repeating: Unit(symbol: -1, start: 0, pair: -1), count: 2 * word.count + 2)
        }
        // Moved out of the workspace (and back at the end) so that they stay uniquely referenced.
        var units = workspace.units
        var character = workspace.character
        workspace.units = []
        workspace.character = []
        units.withUnsafeMutableBufferPointer { units in
            var count = 0
            var i = 0
            while i < word.count {
                let length = PythonText.characterLength(word, at: i)
                let isLast = i + length == word.count
                units[count] = Unit(symbol: symbolId(word, at: i, length: length, final: isLast && version == .v0_2,
                                                     character: &character),
                                    start: Int32(i), pair: -1)
                count += 1
                i += length
            }
            if version == .v0_1 {
                units[count] = Unit(symbol: endOfWord, start: Int32(word.count), pair: -1)
                count += 1
            }
            for k in 0..<(count - 1) { units[k].pair = lookup(units[k].symbol, units[k + 1].symbol) }

            while count > 1 {
                // `bigram = min(pairs)`: the lowest rank, at its first position.
                var best = -1
                var bestRank = Int.max
                for k in 0..<(count - 1) where units[k].pair >= 0 && units[k].pair >> 32 < bestRank {
                    best = k
                    bestRank = units[k].pair >> 32
                }
                if best < 0 { break }
                let left = units[best].symbol
                let right = units[best + 1].symbol
                let merged = Int32(truncatingIfNeeded: units[best].pair & 0xFFFF_FFFF)
                // Every occurrence, left to right, without overlaps (`if j < i: continue`).
                var read = best
                var write = best
                while read < count {
                    if read + 1 < count && units[read].symbol == left && units[read + 1].symbol == right {
                        units[write] = Unit(symbol: merged, start: units[read].start, pair: -1)
                        read += 2
                    } else {
                        units[write] = units[read]
                        read += 1
                    }
                    write += 1
                }
                count = write
                // A pair of two units that were not merged is the same pair as before.
                for k in max(0, best - 1)..<(count - 1)
                where units[k].symbol == merged || units[k + 1].symbol == merged {
                    units[k].pair = lookup(units[k].symbol, units[k + 1].symbol)
                }
            }

            // Drop the `</w>` (a unit of its own only in version 0.1, then empty here).
            var kept = count
            if Int(units[kept - 1].start) == word.count { kept -= 1 }
            for k in 0..<kept {
                let end = k + 1 < count ? Int(units[k + 1].start) : word.count
                output.append(contentsOf: UnsafeBufferPointer(rebasing: word[Int(units[k].start)..<end]))
                if k + 1 < kept {
                    output.append(UInt8(ascii: "@"))
                    output.append(UInt8(ascii: "@"))
                    output.append(UInt8(ascii: " "))
                }
            }
        }
        workspace.units = units
        workspace.character = character
    }

    /// rank << 32 | merged id for the pair (`a`, `b`), or -1 when it is no merge.
    @inline(__always)
    private func lookup(_ a: Int32, _ b: Int32) -> Int {
        if a < 0 || b < 0 { return -1 }
        return merges[IntegerMap.key(Int(a), Int(b))] ?? -1
    }

    /// The id of the character at `i` (with `</w>` when `final`), or -1 when no merge names it.
    @inline(__always)
    private func symbolId(_ word: UnsafeBufferPointer<UInt8>, at i: Int, length: Int, final: Bool,
                          character: inout [UInt8]) -> Int32 {
        if length == 1 && word[i] < 0x80 {
            return final ? asciiFinalSymbol[Int(word[i])] : asciiSymbol[Int(word[i])]
        }
        character.removeAll(keepingCapacity: true)
        character.append(contentsOf: UnsafeBufferPointer(rebasing: word[i..<(i + length)]))
        if final {
            for byte in "</w>".utf8 { character.append(byte) }
        }
        return Int32(character.withUnsafeBufferPointer { symbols.find($0) })
    }

    /// Joins subword units back into words: `sed -r 's/(@@ )|(@@ ?$)//g'`, i.e. every `@@ ` goes, and
    /// a `@@` at the end of the line.
    public static func removeSeparators(_ line: String) -> String {
        var output: [UInt8] = []
        var bytes = Array(line.utf8)
        bytes.withUnsafeBufferPointer { removeSeparators($0, into: &output) }
        bytes = output
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `utf8` (one line without its `\n`) to `output` with its BPE separators removed.
    /// - Complexity: O(line length).
    public static func removeSeparators(_ utf8: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let at = UInt8(ascii: "@")
        var i = 0
        while i < utf8.count {
            if utf8[i] == at && i + 1 < utf8.count && utf8[i + 1] == at {
                if i + 2 < utf8.count && utf8[i + 2] == UInt8(ascii: " ") { i += 3; continue }
                if i + 2 == utf8.count { i += 2; continue }
            }
            output.append(utf8[i])
            i += 1
        }
    }
}
