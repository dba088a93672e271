/// The marks of reversible tokens (`ReversibleTokenizer`): the joiner and the escape.
///
/// - The joiner `￭` (U+FFED HALFWIDTH BLACK SQUARE, as in OpenNMT's tokenizer) at the start of a
///   token says "no space before me", at its end "no space after me".
/// - The escape `％` (U+FF05 FULLWIDTH PERCENT SIGN, OpenNMT's mark for protected sequences) with
///   four hexadecimal digits stands for one scalar that cannot appear as itself: whitespace other
///   than a single separating U+0020, the control characters Moses deletes, and literal `￭` and
///   `％` in the text (`％FFED`, `％FF05`). `％00A0` is a non-breaking space.
///
/// Both marks are NFC-stable and outside every Moses rule that could split them (Moses pads each
/// as a token of its own when it occurs in the text, which is why literal ones are escaped).
public enum ReversibleFormat {
    /// U+FFED, `￭`.
    public static let joiner: UInt32 = 0xFFED
    /// U+FF05, `％`.
    public static let escape: UInt32 = 0xFF05
    /// The UTF-8 of the two marks; both start with EF, which the hot loops test first.
    static let joinerBytes: (UInt8, UInt8, UInt8) = (0xEF, 0xBF, 0xAD)
    static let escapeBytes: (UInt8, UInt8, UInt8) = (0xEF, 0xBC, 0x85)
    /// The bytes of an escape: `％` (3) and four digits.
    static let escapeLength = 7

    /// Writes `％XXXX` (upper-case digits) for a scalar of the Basic Multilingual Plane.
    @inline(__always)
    static func writeEscape(_ scalar: UInt32, into out: UnsafeMutablePointer<UInt8>, at written: inout Int) {
        assert(scalar < 0x10000, "only whitespace, controls and the marks are escaped")
        out[written] = escapeBytes.0
        out[written + 1] = escapeBytes.1
        out[written + 2] = escapeBytes.2
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: scalar >> UInt32(shift) & 0xF)
            out[written + 3 + (12 - shift) / 4] = digit < 10 ? 0x30 + digit : 0x37 + digit
        }
        written += escapeLength
    }

    /// Writes the joiner.
    @inline(__always)
    static func writeJoiner(into out: UnsafeMutablePointer<UInt8>, at written: inout Int) {
        out[written] = joinerBytes.0
        out[written + 1] = joinerBytes.1
        out[written + 2] = joinerBytes.2
        written += 3
    }

    /// Whether `bytes[index...]` starts with the joiner.
    @inline(__always)
    static func isJoiner(_ bytes: UnsafePointer<UInt8>, _ index: Int, _ count: Int) -> Bool {
        index + 3 <= count && bytes[index] == joinerBytes.0 && bytes[index + 1] == joinerBytes.1
            && bytes[index + 2] == joinerBytes.2
    }

    /// The scalar of the escape at `bytes[index...]`, or nil when there is none (a `％` without four
    /// hexadecimal digits, or digits naming a surrogate or a line feed, is ordinary text: a line
    /// holds no line feed, so the tokenizer never writes `％000A`, and decoding one would make two
    /// lines of one). Lower-case digits are accepted, since `--lowercase` runs after tokenization.
    @inline(__always)
    static func escapedScalar(_ bytes: UnsafePointer<UInt8>, _ index: Int, _ count: Int) -> UInt32? {
        guard index + escapeLength <= count, bytes[index] == escapeBytes.0, bytes[index + 1] == escapeBytes.1,
              bytes[index + 2] == escapeBytes.2 else { return nil }
        var scalar: UInt32 = 0
        for offset in 3..<escapeLength {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x37
            case 0x61...0x66: digit = byte - 0x57
            default: return nil
            }
            scalar = scalar << 4 | UInt32(digit)
        }
        return (0xD800...0xDFFF).contains(scalar) || scalar == 0x0A ? nil : scalar
    }

    /// The Moses tokens a reversible line stands for: each token without its joiners, with its
    /// escapes decoded and the whitespace and control characters among them dropped (Moses turns
    /// whitespace into token boundaries and deletes controls); tokens left empty disappear.
    ///
    /// Equal to `MosesTokenizer`'s tokens of the same text, except where the text spells sacremoses'
    /// internal `DOT…MULTI` marker, which Moses turns into periods and a reversible token keeps.
    public static func mosesTokens(_ line: String) -> [String] {
        let classes = CharacterClasses.shared
        var tokens = [String]()
        // Split on U+0020 bytes, not on Characters: a token may start with a combining mark.
        for token in line.utf8.split(separator: 0x20) {
            var scalars = String.UnicodeScalarView()
            Array(token).withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!, count = buffer.count
                var index = 0
                while index < count {
                    if isJoiner(base, index, count) { index += 3; continue }
                    if let scalar = escapedScalar(base, index, count) {
                        index += escapeLength
                        if scalar < 0x20 || classes.flags(scalar) & CharacterClasses.space != 0 { continue }
                        scalars.append(Unicode.Scalar(scalar)!)
                        continue
                    }
                    scalars.append(Unicode.Scalar(UTF8Scalars.decode(base, at: &index))!)
                }
            }
            if !scalars.isEmpty { tokens.append(String(scalars)) }
        }
        return tokens
    }
}
