import Text
/// The tokenizations sacrebleu's BLEU offers that `nmt score` supports.
///
/// `13a` reproduces mteval-v13a.pl as sacrebleu's `Tokenizer13a` does: drop `<skipped>`, join
/// lines broken after `-`, unescape `&quot; &amp; &lt; &gt;`, then split off ASCII punctuation
/// (all but `'` `,` `-` `.`), periods and commas not between digits, and a dash after a digit.
/// `none` leaves the line alone (BLEU then splits it at whitespace).
public enum BLEUTokenizer: String, Sendable, CaseIterable {
    case mteval13a = "13a"
    case none

    /// The signature's `tok:` value.
    public var signature: String { rawValue }

    /// The tokenized line, tokens separated by single spaces.
    public func tokenize(_ line: String) -> String {
        PythonText.string(tokenize(PythonText.scalars(line)))
    }

    func tokenize(_ line: [UInt32]) -> [UInt32] {
        switch self {
        case .none: return line
        case .mteval13a: return BLEUTokenizer.tokenize13a(line)
        }
    }

    // MARK: - 13a

    private static let skipped = Array("<skipped>".unicodeScalars.map(\.value))
    private static let escapes: [(entity: [UInt32], character: UInt32)] = [
        ("&quot;", 0x22), ("&amp;", 0x26), ("&lt;", 0x3C), ("&gt;", 0x3E),
    ].map { (Array($0.0.unicodeScalars.map(\.value)), $0.1) }

    private static func tokenize13a(_ input: [UInt32]) -> [UInt32] {
        // Language-independent part, in sacrebleu's order (each replace sees the previous one's output).
        var line = input
        if line.contains(0x3C) { line = replacing(line, skipped, with: []) }
        if line.contains(0x0A) {
            line = replacing(line, [0x2D, 0x0A], with: [])
            line = line.map { $0 == 0x0A ? 0x20 : $0 }
        }
        if line.contains(0x26) {
            for (entity, character) in escapes { line = replacing(line, entity, with: [character]) }
        }

        // 1. ` c ` around punctuation and symbols: [{-~[-` -&(-+:-@/] (space itself included).
        var spaced = [UInt32]()
        spaced.reserveCapacity(line.count * 2 + 6)
        for value in [0x20] + line + [0x20] {
            if isSplitPunctuation(value) {
                spaced.append(0x20); spaced.append(value); spaced.append(0x20)
            } else {
                spaced.append(value)
            }
        }
        // 2. ([^0-9])([.,]) → "\1 \2 ";  3. ([.,])([^0-9]) → " \1 \2";  4. ([0-9])(-) → "\1 \2 ".
        spaced = substitutingPairs(spaced, { !isDigit($0) && isPeriodOrComma($1) }) { [$0, 0x20, $1, 0x20] }
        spaced = substitutingPairs(spaced, { isPeriodOrComma($0) && !isDigit($1) }) { [0x20, $0, 0x20, $1] }
        spaced = substitutingPairs(spaced, { isDigit($0) && $1 == 0x2D }) { [$0, 0x20, $1, 0x20] }

        // ' '.join(line.split())
        var out = [UInt32]()
        out.reserveCapacity(spaced.count)
        for word in PythonText.words(spaced) {
            if !out.isEmpty { out.append(0x20) }
            out.append(contentsOf: spaced[word])
        }
        return out
    }

    /// `re.sub` with a two-character pattern: matches are found left to right and never overlap.
    private static func substitutingPairs(_ text: [UInt32], _ matches: (UInt32, UInt32) -> Bool,
                                          _ replacement: (UInt32, UInt32) -> [UInt32]) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(text.count + text.count / 4)
        var i = 0
        while i < text.count {
            if i + 1 < text.count && matches(text[i], text[i + 1]) {
                out.append(contentsOf: replacement(text[i], text[i + 1]))
                i += 2
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// `str.replace`: non-overlapping occurrences, left to right.
    private static func replacing(_ text: [UInt32], _ target: [UInt32], with replacement: [UInt32]) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == target[0] && i + target.count <= text.count && text[i..<(i + target.count)].elementsEqual(target) {
                out.append(contentsOf: replacement)
                i += target.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// The class `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: ASCII punctuation and space, except `'` `,` `-` `.`.
    @inline(__always)
    private static func isSplitPunctuation(_ value: UInt32) -> Bool {
        switch value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    @inline(__always) private static func isDigit(_ value: UInt32) -> Bool { (0x30...0x39).contains(value) }
    @inline(__always) private static func isPeriodOrComma(_ value: UInt32) -> Bool { value == 0x2E || value == 0x2C }
}
