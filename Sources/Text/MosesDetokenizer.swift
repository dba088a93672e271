/// The Moses detokenizer for English and French, exactly as sacremoses 0.2.0 runs it with
/// `MosesDetokenizer(lang).detokenize(line.split())`.
///
/// sacremoses joins the tokens with spaces, undoes aggressive hyphen splitting (" @-@ " → "-") and
/// the tokenizer's XML escapes (`unescape_xml`, on by default), splits again, and then decides token
/// by token whether a space goes before it:
///
/// - two CJK tokens in a row are joined;
/// - currency symbols and opening brackets (`$`, `(`, `¿` …) attach to the next token;
/// - punctuation (`,.?!:;\%}])`) attaches to the previous token; in French, a lone `?!:;\%` keeps a
///   (plain) space before it;
/// - English contractions (`'s`, `'ll`) attach to the previous token, French elisions (`l'`, `qu'`)
///   to the next;
/// - quotes (`'`, `"`, `„`, `“`, `` ` ``) alternate between opening and closing, counted separately for
///   each spelling; in English a `'` after a word ending in "s" closes a possessive.
///
/// Finally runs of spaces become one and the line is stripped.
public struct MosesDetokenizer: Sendable {
    /// Scratch buffers reused from line to line. One per thread.
    public struct Workspace {
        var text = ScalarRewriter()
        /// Token boundaries: start, end, start, end, …
        var tokens: [Int] = []
        /// The quote spellings seen on this line (as ranges of `text`) and how often each was seen.
        var quotes: [(start: Int, end: Int, count: Int)] = []
        var bytes: [UInt8] = []
        public init() {}
    }

    public let language: MosesLanguage
    let classes: CharacterClasses

    /// - Parameter language: "en" or "fr".
    /// - Throws: `MosesError.unsupportedLanguage` for any other language.
    public init(language: String) throws {
        self.init(language: try MosesLanguage(code: language))
    }

    public init(language: MosesLanguage) {
        self.language = language
        self.classes = CharacterClasses.shared
    }

    /// The detokenized form of `line`, a sequence of tokens separated by whitespace.
    public func detokenize(_ line: String) -> String {
        var workspace = Workspace()
        var output = [UInt8]()
        Array(line.utf8).withUnsafeBufferPointer { detokenize($0, workspace: &workspace, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The XML escapes sacremoses' `unescape_xml` undoes, in its order (`&amp;` last, so that
    /// "&amp;lt;" becomes "&lt;", not "<").
    static let escapes: [(pattern: [UInt32], replacement: [UInt32])] = [
        ("&bar;", "|"), ("&#124;", "|"), ("&lt;", "<"), ("&gt;", ">"), ("&bra;", "["), ("&ket;", "]"),
        ("&quot;", "\""), ("&apos;", "'"), ("&#91;", "["), ("&#93;", "]"), ("&amp;", "&"),
    ].map { (Array($0.0.unicodeScalars.map(\.value)), Array($0.1.unicodeScalars.map(\.value))) }

    static let hyphenSplit: [UInt32] = Array(" @-@ ".unicodeScalars.map(\.value))
    static let hyphen: [UInt32] = [0x2D]

    /// Appends the detokenized form of `utf8` (one line of well-formed UTF-8: tokens separated by
    /// whitespace, without a line end) to `output`, without a line end.
    /// - Complexity: O(n) in the line's length, plus O(quote spellings) per quote token.
    public func detokenize(_ utf8: UnsafeBufferPointer<UInt8>, workspace: inout Workspace, into output: inout [UInt8]) {
        guard let base = utf8.baseAddress, !utf8.isEmpty else { return }
        let table = classes.basicPlane
        var sawAt = false
        var sawAmpersand = false
        // " " + " ".join(line.split()) + " "
        workspace.text.fill(bound: utf8.count + 2) { destination in
            var index = 0
            var written = 1
            destination[0] = 0x20
            while index < utf8.count {
                let scalar = UTF8Scalars.decode(base, at: &index)
                let flags = scalar < 0x10000 ? table[Int(scalar)] : CharacterClasses.computeFlags(scalar)
                if flags & CharacterClasses.space != 0 {
                    if destination[written - 1] != 0x20 { destination[written] = 0x20; written += 1 }
                    continue
                }
                if scalar == 0x40 { sawAt = true } else if scalar == 0x26 { sawAmpersand = true }
                destination[written] = scalar
                written += 1
            }
            if destination[written - 1] != 0x20 { destination[written] = 0x20; written += 1 }
            return written
        }
        if sawAt {
            workspace.text.rewrite(bound: workspace.text.length) { source, destination in
                ScalarRewriter.replace(source, into: destination, Self.hyphenSplit, with: Self.hyphen)
            }
        }
        if sawAmpersand {
            for escape in Self.escapes {
                workspace.text.rewrite(bound: workspace.text.length) { source, destination in
                    ScalarRewriter.replace(source, into: destination, escape.pattern, with: escape.replacement)
                }
            }
        }
        let tokenCount = workspace.text.withText { ScalarRewriter.splitOnSpaces($0, into: &workspace.tokens) }
        guard tokenCount > 0 else { return }
        let byteBound = 4 * (workspace.text.length + tokenCount)
        if workspace.bytes.count < byteBound {
            workspace.bytes = [UInt8](repeating: 0, count: max(byteBound, 2 * workspace.bytes.count))
        }
        workspace.quotes.removeAll(keepingCapacity: true)
        let written = workspace.text.withText { text in
            workspace.tokens.withUnsafeBufferPointer { tokens in
                workspace.bytes.withUnsafeMutableBufferPointer { bytes in
                    joinTokens(text, tokens, tokenCount, quotes: &workspace.quotes, into: bytes.baseAddress!)
                }
            }
        }
        workspace.bytes.withUnsafeBufferPointer { output.append(contentsOf: $0[0..<written]) }
    }

    /// The token loop of sacremoses' `MosesDetokenizer.tokenize`, writing UTF-8. Where sacremoses
    /// appends " " we only note that a space is due; it is written before the next token, so that
    /// the final ` {2,}` → " " and `strip()` come for free.
    /// - Returns: the number of bytes written.
    @inline(__always)
    func joinTokens(_ text: UnsafeBufferPointer<UInt32>, _ tokens: UnsafeBufferPointer<Int>, _ tokenCount: Int,
                    quotes: inout [(start: Int, end: Int, count: Int)], into out: UnsafeMutablePointer<UInt8>) -> Int {
        let table = classes.basicPlane
        @inline(__always) func flags(_ scalar: UInt32) -> UInt16 {
            scalar < 0x10000 ? table[Int(scalar)] : CharacterClasses.computeFlags(scalar)
        }
        @inline(__always) func isAlphabetic(_ scalar: UInt32) -> Bool { flags(scalar) & CharacterClasses.alphabetic != 0 }
        var written = 0
        var spaceDue = true    // sacremoses' `prepend_space`; a leading space is stripped anyway
        @inline(__always) func write(_ token: Int, after space: Bool) {
            if space && written > 0 { out[written] = 0x20; written += 1 }
            for index in tokens[2 * token]..<tokens[2 * token + 1] { UTF8Scalars.encode(text[index], into: out, at: &written) }
        }
        @inline(__always) func all(_ token: Int, _ predicate: (UInt32) -> Bool) -> Bool {
            (tokens[2 * token]..<tokens[2 * token + 1]).allSatisfy { predicate(text[$0]) }
        }
        for token in 0..<tokenCount {
            let start = tokens[2 * token], end = tokens[2 * token + 1]
            let first = text[start], length = end - start
            if CharacterClasses.isCJK(first) {
                // A second CJK word in a row is joined to the first.
                let joined = token > 0 && CharacterClasses.isCJK(text[tokens[2 * token - 1] - 1])
                write(token, after: spaceDue && !joined)
                spaceDue = true
            } else if all(token, { Self.isCurrencyOrOpening($0) || flags($0) & CharacterClasses.currency != 0 }) {
                write(token, after: spaceDue)
                spaceDue = false
            } else if all(token, Self.isClosingPunctuation) {
                // In French, ?!:;\% stand apart (sacremoses' "non-breakable" space is a plain one).
                let frenchSpace = language == .french && length == 1 && Self.isFrenchSpacedPunctuation(first)
                write(token, after: frenchSpace)
                spaceDue = true
            } else if language == .english && token > 0 && length >= 2 && first == 0x27 && isAlphabetic(text[start + 1]) {
                write(token, after: false)    // "'s", "'ll": onto the previous word
                spaceDue = true
            } else if language == .french && token + 1 < tokenCount && length >= 2 && text[end - 1] == 0x27
                        && isAlphabetic(text[end - 2]) && isAlphabetic(text[tokens[2 * token + 2]]) {
                write(token, after: spaceDue)    // "l'", "qu'": onto the next word
                spaceDue = false
            } else if all(token, Self.isQuote) {
                let spelling = quoteSpelling(text, start, end, &quotes)
                if quotes[spelling].count % 2 == 0 {
                    if language == .english && token > 0 && length == 1 && first == 0x27
                        && text[tokens[2 * token - 1] - 1] == 0x73 {
                        write(token, after: false)    // "The Jones' house"; not counted
                        spaceDue = true
                    } else {
                        write(token, after: spaceDue)    // an opening quote
                        spaceDue = false
                        quotes[spelling].count += 1
                    }
                } else {
                    write(token, after: false)    // a closing quote
                    spaceDue = true
                    quotes[spelling].count += 1
                }
            } else {
                write(token, after: spaceDue)
                spaceDue = true
            }
        }
        return written
    }

    /// The index in `quotes` of the spelling `text[start..<end]`, added with count 0 if new.
    /// sacremoses counts `„` and `“` runs as `"`.
    func quoteSpelling(_ text: UnsafeBufferPointer<UInt32>, _ start: Int, _ end: Int,
                    _ quotes: inout [(start: Int, end: Int, count: Int)]) -> Int {
        let lowDoubleOrLeftDouble = (start..<end).allSatisfy { text[$0] == 0x201E || text[$0] == 0x201C }
        for (index, quote) in quotes.enumerated() {
            let matches: Bool
            if lowDoubleOrLeftDouble {
                matches = quote.end == -1
            } else {
                matches = quote.end - quote.start == end - start
                    && (0..<(end - start)).allSatisfy { text[quote.start + $0] == text[start + $0] }
            }
            if matches { return index }
        }
        // `end == -1` marks the `"` that `„`/`“` runs count as, which may not be in the text. A
        // literal `"` token joins it.
        if lowDoubleOrLeftDouble || (end - start == 1 && text[start] == 0x22) {
            if let index = quotes.firstIndex(where: { $0.end == -1 }) { return index }
            quotes.append((start: 0, end: -1, count: 0))
        } else {
            quotes.append((start: start, end: end, count: 0))
        }
        return quotes.count - 1
    }

    /// `IS_CURRENCY_SYMBOL` besides `IsSc`: `(`, `[`, `{`, `¿`, `¡`.
    @inline(__always)
    static func isCurrencyOrOpening(_ scalar: UInt32) -> Bool {
        scalar == 0x28 || scalar == 0x5B || scalar == 0x7B || scalar == 0xBF || scalar == 0xA1
    }

    /// `IS_PUNCT`: `, . ? ! : ; \ % } ] )`.
    @inline(__always)
    static func isClosingPunctuation(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x2C, 0x2E, 0x3F, 0x21, 0x3A, 0x3B, 0x5C, 0x25, 0x7D, 0x5D, 0x29: return true
        default: return false
        }
    }

    /// French punctuation that keeps a space before it: `? ! : ; \ %`.
    @inline(__always)
    static func isFrenchSpacedPunctuation(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x3F, 0x21, 0x3A, 0x3B, 0x5C, 0x25: return true
        default: return false
        }
    }

    /// `IS_OPEN_QUOTE`: `' " „ “ ``.
    @inline(__always)
    static func isQuote(_ scalar: UInt32) -> Bool {
        scalar == 0x27 || scalar == 0x22 || scalar == 0x201E || scalar == 0x201C || scalar == 0x60
    }
}
