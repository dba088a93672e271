/// The Moses tokenizer for English and French, exactly as sacremoses 0.2.0 runs it with
/// `MosesTokenizer(lang).tokenize(line, escape=False, return_str=True)` (no aggressive dash
/// splitting, no protected patterns).
///
/// sacremoses applies a chain of regular-expression substitutions to the whole line; here each one
/// is a hand-written pass over an array of Unicode scalars, with the same left-to-right,
/// non-overlapping semantics, in the same order:
///
/// 1. `\s+` → " ", delete `[\000-\037]`, strip, pad every scalar outside `IsAlnum`, whitespace and
///    `.'`,-` with spaces (one pass: `decodeAndPad`);
/// 2. runs of two or more periods → ` DOT…DOTMULTI ` markers (`replaceMultidots`);
/// 3. commas not inside numbers get spaces (`COMMA_SEPARATE_1…3`);
/// 4. the language's apostrophe rules (English splits `'s`, `n't`; French keeps `l'`, `qu'` whole);
/// 5. a final `.` is split from each token unless the token is a nonbreaking prefix, an acronym, or is
///    followed by a lowercase word; tokens are joined by single spaces; a final `.'` is split; the
///    markers become periods again and the line is encoded as UTF-8 (one pass: `writeTokens`).
///
/// The tokenizer only inserts spaces, merges whitespace and deletes control characters (and turns a
/// literal `DOT…MULTI` in the text into periods, as sacremoses does), so its output can be aligned
/// with its input scalar by scalar.
///
/// No Unicode normalization happens here: the caller normalizes (`Normalizer.nfc`) first.
public struct MosesTokenizer: Sendable {
    /// Scratch buffers reused from line to line, so that a warm tokenizer allocates nothing.
    /// One per thread.
    public struct Workspace {
        var text = ScalarRewriter()
        /// Token boundaries of the last pass: start, end, start, end, …
        var tokens: [Int] = []
        var bytes: [UInt8] = []
        public init() {}
    }

    public let language: MosesLanguage
    let prefixes: NonbreakingPrefixes
    let classes: CharacterClasses

    /// - Parameter language: "en" or "fr".
    /// - Throws: `MosesError.unsupportedLanguage` for any other language.
    public init(language: String) throws {
        self.language = try MosesLanguage(code: language)
        // Both supported languages have a list.
        self.prefixes = NonbreakingPrefixes(language: language)!
        self.classes = CharacterClasses.shared
    }

    /// The tokenized line: tokens separated by single spaces (a line ending in `.'` keeps
    /// sacremoses' trailing space).
    public func tokenize(_ line: String) -> String {
        var workspace = Workspace()
        var output = [UInt8]()
        Array(line.utf8).withUnsafeBufferPointer { tokenize($0, workspace: &workspace, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the tokenized form of `utf8` (one line of well-formed UTF-8, without its line end)
    /// to `output`, without a line end.
    /// - Complexity: O(n) in the line's length; no allocation once `workspace` has seen a line
    ///   as long.
    public func tokenize(_ utf8: UnsafeBufferPointer<UInt8>, workspace: inout Workspace, into output: inout [UInt8]) {
        guard let base = utf8.baseAddress, !utf8.isEmpty else { return }
        let table = classes.basicPlane
        @inline(__always) func flags(_ scalar: UInt32) -> UInt16 {
            scalar < 0x10000 ? table[Int(scalar)] : CharacterClasses.computeFlags(scalar)
        }
        @inline(__always) func isNumber(_ scalar: UInt32) -> Bool { flags(scalar) & CharacterClasses.number != 0 }
        @inline(__always) func isLetter(_ scalar: UInt32) -> Bool { flags(scalar) & CharacterClasses.letter != 0 }

        var seen = Seen()
        workspace.text.fill(bound: 3 * utf8.count + 4) { destination in
            Self.decodeAndPad(base, count: utf8.count, table: table, into: destination, seen: &seen)
        }
        if seen.multidot {
            workspace.text.rewrite(bound: 7 * workspace.text.length + 8, Self.replaceMultidots)
        }
        if seen.comma {
            // COMMA_SEPARATE_1: ([^{IsN}])[,] → "\1 , "
            workspace.text.rewrite(bound: 2 * workspace.text.length + 2) { source, destination in
                ScalarRewriter.padMark(source, into: destination, mark: 0x2C, hasLeft: true, left: { !isNumber($0) },
                                       hasRight: false, right: { _ in true }, spaceBefore: true, spaceAfter: true)
            }
            // COMMA_SEPARATE_2: [,]([^{IsN}]) → " , \1"
            workspace.text.rewrite(bound: 2 * workspace.text.length + 2) { source, destination in
                ScalarRewriter.padMark(source, into: destination, mark: 0x2C, hasLeft: false, left: { _ in true },
                                       hasRight: true, right: { !isNumber($0) }, spaceBefore: true, spaceAfter: true)
            }
            // COMMA_SEPARATE_3: ([{IsN}])[,]$ → "\1 , "
            workspace.text.rewrite(bound: workspace.text.length + 2) { source, destination in
                let count = source.count
                destination.update(from: source.baseAddress!, count: count)
                guard count >= 2, source[count - 1] == 0x2C, isNumber(source[count - 2]) else { return count }
                destination[count - 1] = 0x20
                destination[count] = 0x2C
                destination[count + 1] = 0x20
                return count + 2
            }
        }
        if seen.apostrophe {
            applyApostropheRules(&workspace.text, isNumber: isNumber, isLetter: isLetter)
        }
        writeTokens(&workspace, restoreMultidots: seen.multidot || seen.markerLetters, flags: flags, into: &output)
    }

    /// What `decodeAndPad` saw, so that passes with nothing to do are skipped.
    struct Seen {
        var comma = false
        var apostrophe = false
        /// Two adjacent periods.
        var multidot = false
        /// "TM" adjacent: the text may spell a `DOT…MULTI` marker itself.
        var markerLetters = false
    }

    /// Decodes `bytes` and applies, in one pass, sacremoses' first four steps: `\s+` → " " (Python
    /// whitespace), deleting the control characters `[\000-\037]` that are not whitespace, `strip()`,
    /// and `PAD_NOT_ISALNUM` (` \1 ` around each scalar outside `IsAlnum`, whitespace and `.'`,-`).
    ///
    /// The order matters: a space run is collapsed before the control characters inside it go,
    /// so "a \u{1} b" keeps two spaces, as in sacremoses. Spaces are therefore held back as a count
    /// and written before the next kept scalar; those left at the end are stripped.
    /// - Returns: the number of scalars written, at most `3 * count + 4`.
    @inline(__always)
    static func decodeAndPad(
        _ bytes: UnsafePointer<UInt8>, count: Int, table: UnsafePointer<UInt16>,
        into destination: UnsafeMutablePointer<UInt32>, seen: inout Seen
    ) -> Int {
        var index = 0
        var written = 0
        var pendingSpaces = 0
        var inSpaceRun = false
        var previous: UInt32 = 0x20
        while index < count {
            let scalar = UTF8Scalars.decode(bytes, at: &index)
            let flags = scalar < 0x10000 ? table[Int(scalar)] : CharacterClasses.computeFlags(scalar)
            if flags & CharacterClasses.space != 0 {
                if !inSpaceRun { pendingSpaces += 1; inSpaceRun = true }
                continue
            }
            inSpaceRun = false
            if scalar < 0x20 { continue }
            if pendingSpaces > 0 {
                if written > 0 {
                    for _ in 0..<pendingSpaces { destination[written] = 0x20; written += 1 }
                    previous = 0x20
                }
                pendingSpaces = 0
            }
            if flags & CharacterClasses.padded != 0 {
                destination[written] = 0x20
                destination[written + 1] = scalar
                destination[written + 2] = 0x20
                written += 3
                previous = 0x20
                continue
            }
            switch scalar {
            case 0x2C: seen.comma = true
            case 0x27: seen.apostrophe = true
            case 0x2E: if previous == 0x2E { seen.multidot = true }
            case 0x4D: if previous == 0x54 { seen.markerLetters = true }
            default: break
            }
            destination[written] = scalar
            written += 1
            previous = scalar
        }
        return written
    }

    /// sacremoses' `replace_multidots`: a run of k ≥ 2 periods becomes " " + "DOT" × k + "MULTI",
    /// plus a space unless the run ends the text. (The marker keeps the run whole through the
    /// rules below; `writeTokens` turns it back into periods.)
    /// - Returns: the output length, at most `7 * source.count + 8` (a run of 2 becomes 13 scalars).
    static func replaceMultidots(_ source: UnsafeBufferPointer<UInt32>, into destination: UnsafeMutablePointer<UInt32>) -> Int {
        let count = source.count
        var written = 0
        var index = 0
        @inline(__always) func write(_ scalars: StaticString) {
            scalars.withUTF8Buffer { for byte in $0 { destination[written] = UInt32(byte); written += 1 } }
        }
        while index < count {
            guard source[index] == 0x2E, index + 1 < count, source[index + 1] == 0x2E else {
                destination[written] = source[index]
                written += 1
                index += 1
                continue
            }
            var end = index + 2
            while end < count && source[end] == 0x2E { end += 1 }
            write(" ")
            for _ in index..<end { write("DOT") }
            write("MULTI")
            if end < count { write(" ") }
            index = end
        }
        return written
    }

    /// The language-specific apostrophe rules (only the ASCII apostrophe; `’` was padded already).
    @inline(__always)
    func applyApostropheRules(_ text: inout ScalarRewriter, isNumber: (UInt32) -> Bool, isLetter: (UInt32) -> Bool) {
        @inline(__always) func rule(left: (UInt32) -> Bool, right: (UInt32) -> Bool,
                                    spaceBefore: Bool, spaceAfter: Bool) {
            text.rewrite(bound: 2 * text.length + 2) { source, destination in
                ScalarRewriter.padMark(source, into: destination, mark: 0x27, hasLeft: true, left: left,
                                       hasRight: true, right: right, spaceBefore: spaceBefore, spaceAfter: spaceAfter)
            }
        }
        // Both languages start alike: ([^{IsAlpha}])[']([^{IsAlpha}]) → "\1 ' \2"
        rule(left: { !isLetter($0) }, right: { !isLetter($0) }, spaceBefore: true, spaceAfter: true)
        switch language {
        case .english:
            // ([^{IsAlpha}{IsN}])[']([{IsAlpha}]) → "\1 ' \2"
            rule(left: { !isLetter($0) && !isNumber($0) }, right: isLetter, spaceBefore: true, spaceAfter: true)
            // ([{IsAlpha}])[']([^{IsAlpha}]) → "\1 ' \2"
            rule(left: isLetter, right: { !isLetter($0) }, spaceBefore: true, spaceAfter: true)
            // ([{IsAlpha}])[']([{IsAlpha}]) → "\1 '\2": "John's" → "John 's"
            rule(left: isLetter, right: isLetter, spaceBefore: true, spaceAfter: false)
            // ([{IsN}])[']([s]) → "\1 '\2": "1990's" → "1990 's"
            rule(left: isNumber, right: { $0 == 0x73 }, spaceBefore: true, spaceAfter: false)
        case .french:
            // ([^{IsAlpha}])[']([{IsAlpha}]) → "\1 ' \2"
            rule(left: { !isLetter($0) }, right: isLetter, spaceBefore: true, spaceAfter: true)
            // ([{IsAlpha}])[']([^{IsAlpha}]) → "\1 ' \2"
            rule(left: isLetter, right: { !isLetter($0) }, spaceBefore: true, spaceAfter: true)
            // ([{IsAlpha}])[']([{IsAlpha}]) → "\1' \2": "l'image" → "l' image"
            rule(left: isLetter, right: isLetter, spaceBefore: false, spaceAfter: true)
        }
    }

    /// The last steps, in one pass from scalars to UTF-8: `handles_nonbreaking_prefixes` (split the
    /// final period off a token), joining the tokens with single spaces (which is what the
    /// following `\s+` → " " and `strip()` leave), `TRAILING_DOT_APOSTROPHE` (`\.' ?$` → " . ' ") and
    /// `restore_multidots`.
    @inline(__always)
    func writeTokens(_ workspace: inout Workspace, restoreMultidots: Bool, flags: (UInt32) -> UInt16,
                     into output: inout [UInt8]) {
        let tokenCount = workspace.text.withText { ScalarRewriter.splitOnSpaces($0, into: &workspace.tokens) }
        guard tokenCount > 0 else { return }
        let byteBound = 4 * (workspace.text.length + tokenCount + 8)
        if workspace.bytes.count < byteBound {
            workspace.bytes = [UInt8](repeating: 0, count: max(byteBound, 2 * workspace.bytes.count))
        }
        let written = workspace.text.withText { text in
            workspace.tokens.withUnsafeBufferPointer { tokens in
                workspace.bytes.withUnsafeMutableBufferPointer { bytes in
                    let out = bytes.baseAddress!
                    var written = 0
                    @inline(__always) func write(_ range: Range<Int>) {
                        if restoreMultidots {
                            Self.writeRestoringMultidots(text, range, into: out, at: &written)
                        } else {
                            for index in range { UTF8Scalars.encode(text[index], into: out, at: &written) }
                        }
                    }
                    let last = tokenCount - 1
                    for token in 0...last {
                        if token > 0 { out[written] = 0x20; written += 1 }
                        let start = tokens[2 * token], end = tokens[2 * token + 1]
                        if token == last && end - start >= 2 && text[end - 2] == 0x2E && text[end - 1] == 0x27 {
                            write(start..<(end - 2))
                            for byte in " . ' ".utf8 { out[written] = byte; written += 1 }
                        } else if end - start >= 2 && text[end - 1] == 0x2E
                                    && !keepsPeriod(text, tokens, token, tokenCount, flags) {
                            write(start..<(end - 1))
                            out[written] = 0x20
                            out[written + 1] = 0x2E
                            written += 2
                        } else {
                            write(start..<end)
                        }
                    }
                    return written
                }
            }
        }
        workspace.bytes.withUnsafeBufferPointer { output.append(contentsOf: $0[0..<written]) }
    }

    /// Whether token `token` (which ends in a period after at least one other scalar) keeps its
    /// period: sacremoses' three conditions, then the numeric-only prefixes.
    @inline(__always)
    func keepsPeriod(_ text: UnsafeBufferPointer<UInt32>, _ tokens: UnsafeBufferPointer<Int>, _ token: Int,
                     _ tokenCount: Int, _ flags: (UInt32) -> UInt16) -> Bool {
        let start = tokens[2 * token], end = tokens[2 * token + 1] - 1    // the prefix, without the period
        let hasNext = token + 1 < tokenCount
        let next: UInt32 = hasNext ? text[tokens[2 * token + 2]] : 0
        // iii. the next token starts with a lowercase letter
        if hasNext && flags(next) & CharacterClasses.lowercase != 0 { return true }
        // i. the prefix contains a period and a letter ("U.S.A", "e.g")
        var hasPeriod = false
        var hasLetter = false
        for index in start..<end {
            let scalar = text[index]
            if scalar == 0x2E { hasPeriod = true } else if flags(scalar) & CharacterClasses.letter != 0 { hasLetter = true }
        }
        if hasPeriod && hasLetter { return true }
        // ii. the prefix is on the list; or it is numeric-only and a number follows
        switch prefixes.kind(of: UnsafeBufferPointer(rebasing: text[start..<end])) {
        case .always: return true
        case .numericOnly: return hasNext && next >= 0x30 && next <= 0x39
        case .none: return false
        }
    }

    /// Encodes `text[range]`, turning each `(?:DOT)+MULTI` into as many periods as it has "DOT"s
    /// (sacremoses' `restore_multidots`, which also catches the letters when the text spells them).
    static func writeRestoringMultidots(_ text: UnsafeBufferPointer<UInt32>, _ range: Range<Int>,
                                        into out: UnsafeMutablePointer<UInt8>, at written: inout Int) {
        var index = range.lowerBound
        let end = range.upperBound
        @inline(__always) func spells(_ word: StaticString, at position: Int) -> Bool {
            let length = word.utf8CodeUnitCount
            guard position + length <= end else { return false }
            return word.withUTF8Buffer { word in (0..<length).allSatisfy { text[position + $0] == UInt32(word[$0]) } }
        }
        while index < end {
            if text[index] == 0x44 && spells("DOT", at: index) {
                var dots = 1
                while spells("DOT", at: index + 3 * dots) { dots += 1 }
                if spells("MULTI", at: index + 3 * dots) {
                    for _ in 0..<dots { out[written] = 0x2E; written += 1 }
                    index += 3 * dots + 5
                    continue
                }
            }
            UTF8Scalars.encode(text[index], into: out, at: &written)
            index += 1
        }
    }
}
