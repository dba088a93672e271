/// Moses tokenization that loses nothing: the same token boundaries as `MosesTokenizer`, plus
/// joiner marks and escapes (`ReversibleFormat`) from which `ReversibleDetokenizer` restores the
/// exact input, byte for byte.
///
/// A token is a piece of the input text, in order; what separates two tokens in the text decides
/// how they are written:
///
/// | between two tokens in the text     | written as                                  | example                 |
/// |------------------------------------|---------------------------------------------|-------------------------|
/// | one U+0020                         | a space                                     | `le chat` → `le chat`   |
/// | nothing                            | a space and `￭` on one token                | `l’image` → `l ￭’￭ image` |
/// | anything else (NBSP, tabs, several | a space, `￭`, and the separating text as    | `Prix\u{A0}:` → `Prix ￭％00A0:` |
/// | spaces, deleted controls)          | escapes on the same side as the `￭`          |                         |
///
/// Like OpenNMT's tokenizer, the mark goes on the punctuation side, so that words stay as they are
/// in the vocabulary: onto the right token (at its start) unless that starts with a letter or digit
/// and the left one ends in something else, then onto the left token (at its end). Text before the
/// first token and after the last becomes escapes at the start of the first and the end of the last;
/// a line with no token (only whitespace) is one token of escapes. Control characters that Moses
/// deletes inside a word are escapes in place (`a\u{1}b` → `a％0001b`), and literal `￭` and `％` are
/// always escaped. So no token contains a space, and every input scalar is in exactly one token.
///
/// Dropping the joiners, and the whitespace and controls the escapes stand for, gives Moses' tokens
/// (`ReversibleFormat.mosesTokens`). The one exception is a text that itself spells sacremoses'
/// internal `DOT…MULTI` marker, which Moses turns into periods and a reversible token keeps.
///
/// No Unicode normalization happens here: the caller normalizes (`Normalizer.nfc`) first, and the
/// round trip gives back the normalized text.
public struct ReversibleTokenizer: Sendable {
    /// Scratch buffers reused from line to line, so that a warm tokenizer allocates nothing.
    /// One per thread.
    public struct Workspace {
        /// The Moses tokenizer's own scratch space (also what `Preprocessor` uses in Moses mode).
        var moses = MosesTokenizer.Workspace()
        /// The Moses tokens of the line, which give the boundaries.
        var tokens: [UInt8] = []
        var bytes: [UInt8] = []
        public init() {}
    }

    /// The tokenizer whose boundaries these tokens keep.
    public let moses: MosesTokenizer
    let classes: CharacterClasses

    /// Reversible tokens with the boundaries of `moses`.
    public init(moses: MosesTokenizer) {
        self.moses = moses
        self.classes = CharacterClasses.shared
    }

    /// - Parameter language: "en" or "fr".
    /// - Throws: `MosesError.unsupportedLanguage` for any other language.
    public init(language: String) throws {
        self.init(moses: try MosesTokenizer(language: language))
    }

    /// The language of the Moses rules.
    public var language: MosesLanguage { moses.language }

    /// The reversible tokens of `line`, separated by single spaces.
    public func tokenize(_ line: String) -> String {
        var workspace = Workspace()
        var output = [UInt8]()
        Array(line.utf8).withUnsafeBufferPointer { tokenize($0, workspace: &workspace, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the reversible tokens of `utf8` (one line of well-formed UTF-8, without its line end)
    /// to `output`, separated by single spaces, without a line end.
    /// - Complexity: O(n) in the line's length; no allocation once `workspace` has seen a line
    ///   as long.
    public func tokenize(_ utf8: UnsafeBufferPointer<UInt8>, workspace: inout Workspace, into output: inout [UInt8]) {
        guard let input = utf8.baseAddress, !utf8.isEmpty else { return }
        workspace.tokens.removeAll(keepingCapacity: true)
        moses.tokenize(utf8, workspace: &workspace.moses, into: &workspace.tokens)
        // Each input byte becomes at most 7 (an escape for a one-byte control), and each boundary
        // adds a space and a joiner.
        let bound = 11 * utf8.count + 8
        if workspace.bytes.count < bound {
            workspace.bytes = [UInt8](repeating: 0, count: max(bound, 2 * workspace.bytes.count))
        }
        let table = classes.basicPlane
        let written = workspace.tokens.withUnsafeBufferPointer { tokens in
            workspace.bytes.withUnsafeMutableBufferPointer { bytes in
                Self.write(input, count: utf8.count, boundaries: tokens, table: table, into: bytes.baseAddress!)
                    ?? Self.write(input, count: utf8.count, boundaries: nil, table: table, into: bytes.baseAddress!)!
            }
        }
        workspace.bytes.withUnsafeBufferPointer { output.append(contentsOf: $0[0..<written]) }
    }

    /// Writes the reversible tokens of `input`, taking the boundaries from Moses' tokens of it, or,
    /// when `boundaries` is nil, only at whitespace (a fallback that is still exact; it never runs
    /// unless Moses' output fails to line up with its input).
    ///
    /// Moses' output is the input with spaces inserted, whitespace runs turned into spaces, control
    /// characters deleted and `DOT…MULTI` spellings turned into periods, so one walk over both
    /// finds, for each kept scalar, whether a token boundary comes before it.
    /// - Returns: the number of bytes written (at most `11 * count + 8`), or nil when the Moses
    ///   tokens do not line up with the input.
    static func write(_ input: UnsafePointer<UInt8>, count: Int, boundaries moses: UnsafeBufferPointer<UInt8>?,
                      table: UnsafePointer<UInt16>, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        @inline(__always) func flags(_ scalar: UInt32) -> UInt16 {
            scalar < 0x10000 ? table[Int(scalar)] : CharacterClasses.computeFlags(scalar)
        }
        /// Whether the scalar starting at `input[position]` is a letter or digit.
        @inline(__always) func isAlphanumeric(_ position: Int) -> Bool {
            var position = position
            return flags(UTF8Scalars.decode(input, at: &position)) & CharacterClasses.alphanumeric != 0
        }
        var written = 0
        /// Escapes every scalar of `input[range]`.
        @inline(__always) func writeEscapes(_ range: Range<Int>) {
            var index = range.lowerBound
            while index < range.upperBound {
                ReversibleFormat.writeEscape(UTF8Scalars.decode(input, at: &index), into: out, at: &written)
            }
        }
        let mosesCount = moses?.count ?? 0
        var index = 0              // in `input`
        var mosesIndex = 0         // in `moses`
        var gapStart = 0           // input[gapStart..<index] is whitespace and controls only
        var gapHasWhitespace = false
        var started = false        // a token has been written
        var previousStart = 0      // where the last scalar written starts in `input`
        while index < count {
            let start = index
            if let moses, gapStart == start {
                // The fast path: a run of bytes equal to Moses' next bytes is copied as it is. It is
                // kept text (Moses' output has no whitespace but U+0020 and no controls), and a
                // space in both followed by the same ASCII character in both is a plain boundary.
                // The run stops at other spaces and at EF, the lead byte of the marks.
                var end = start
                var mosesEnd = mosesIndex
                while end < count && mosesEnd < mosesCount {
                    let byte = input[end]
                    if byte != moses[mosesEnd] || byte == 0xEF { break }
                    if byte == 0x20 {
                        guard end + 1 < count, mosesEnd + 1 < mosesCount else { break }
                        let next = input[end + 1]
                        if next <= 0x20 || next >= 0x80 || next != moses[mosesEnd + 1] { break }
                    }
                    end += 1
                    mosesEnd += 1
                }
                // Only whole scalars: back up to the start of one matched in part.
                while end > start && end < count && input[end] & 0xC0 == 0x80 { end -= 1 }
                if end > start {
                    (out + written).update(from: input + start, count: end - start)
                    written += end - start
                    mosesIndex += end - start
                    index = end
                    gapStart = end
                    previousStart = end - 1
                    while input[previousStart] & 0xC0 == 0x80 { previousStart -= 1 }
                    started = true
                    continue
                }
            }
            let scalar = UTF8Scalars.decode(input, at: &index)
            let scalarFlags = flags(scalar)
            if scalarFlags & CharacterClasses.space != 0 { gapHasWhitespace = true; continue }
            if scalar < 0x20 { continue }
            // A scalar Moses keeps: find it in Moses' output, noting whether a space comes first.
            var end = index
            let boundary: Bool
            if let moses {
                var spaced = false
                while mosesIndex < mosesCount && moses[mosesIndex] == 0x20 { mosesIndex += 1; spaced = true }
                boundary = spaced
                let length = index - start
                if mosesIndex + length <= mosesCount && Self.equal(input + start, moses.baseAddress! + mosesIndex, length) {
                    mosesIndex += length
                } else if let dots = spelledMultidot(input, start, count), mosesIndex + dots <= mosesCount,
                          (0..<dots).allSatisfy({ moses[mosesIndex + $0] == 0x2E }) {
                    // sacremoses turns a literal "DOTDOTMULTI" into ".."; the token keeps the letters.
                    mosesIndex += dots
                    end = start + 3 * dots + 5
                    index = end
                } else {
                    return nil
                }
            } else {
                boundary = gapHasWhitespace
            }
            // What separates this scalar from the previous one.
            let gap = gapStart..<start
            if !started || !boundary {
                // Text before the first token, or controls Moses deleted inside a token.
                writeEscapes(gap)
            } else if gap.count == 1 && input[gap.lowerBound] == 0x20 {
                out[written] = 0x20
                written += 1
            } else if scalarFlags & CharacterClasses.alphanumeric != 0 && !isAlphanumeric(previousStart) {
                // A word after punctuation: the mark goes on the punctuation, to the left.
                writeEscapes(gap)
                ReversibleFormat.writeJoiner(into: out, at: &written)
                out[written] = 0x20
                written += 1
            } else {
                out[written] = 0x20
                written += 1
                ReversibleFormat.writeJoiner(into: out, at: &written)
                writeEscapes(gap)
            }
            if scalar == ReversibleFormat.joiner || scalar == ReversibleFormat.escape {
                ReversibleFormat.writeEscape(scalar, into: out, at: &written)
            } else {
                (out + written).update(from: input + start, count: end - start)
                written += end - start
            }
            started = true
            previousStart = end - start > 4 ? end - 1 : start    // a DOT…MULTI unit ends in "I"
            gapStart = index
            gapHasWhitespace = false
        }
        writeEscapes(gapStart..<count)
        if let moses {
            while mosesIndex < mosesCount && moses[mosesIndex] == 0x20 { mosesIndex += 1 }
            if mosesIndex != mosesCount { return nil }
        }
        return written
    }

    /// Whether `count` bytes at `a` and `b` are equal.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index < count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// The number k of "DOT"s when `input[index...]` spells `(DOT){k}MULTI`, else nil.
    @inline(never)
    static func spelledMultidot(_ input: UnsafePointer<UInt8>, _ index: Int, _ count: Int) -> Int? {
        @inline(__always) func spells(_ word: StaticString, at position: Int) -> Bool {
            let length = word.utf8CodeUnitCount
            guard position + length <= count else { return false }
            return word.withUTF8Buffer { word in (0..<length).allSatisfy { input[position + $0] == word[$0] } }
        }
        var dots = 0
        while spells("DOT", at: index + 3 * dots) { dots += 1 }
        return dots > 0 && spells("MULTI", at: index + 3 * dots) ? dots : nil
    }
}
