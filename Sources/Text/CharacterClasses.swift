import CICU

/// The Unicode character classes of the Moses tokenizer and detokenizer, as bit flags per scalar.
///
/// sacremoses builds its regular expressions from Perl's Unicode tables (`IsAlnum`, `IsAlpha`, `IsN`,
/// `IsLower`, `IsSc`, `IsSo`) and uses Python's notion of whitespace (`\s`, `str.split`, `str.strip`).
/// We derive the same classes from ICU's Unicode data instead:
///
/// - `IsAlnum`  = Alphabetic or Decimal_Number (`UCHAR_POSIX_ALNUM`), plus Indic viramas and nuktas
///   (sacremoses adds them to the tokenizer's classes);
/// - `IsAlpha`  = Alphabetic, plus the same viramas and nuktas (the detokenizer's has neither);
/// - `IsN`      = general category N (Nd, Nl, No);
/// - `IsLower`  = Lowercase;
/// - `IsSc`, `IsSo` = general categories Sc and So;
/// - Python whitespace = category Zs or bidirectional class WS, B or S (CPython's `makeunicodedata.py`).
///
/// The Perl tables sacremoses ships are not the whole of those properties: their extraction kept
/// only the Basic Multilingual Plane (for every class but `IsLower`), and dropped the blocks Perl
/// stores as algorithmic ranges (CJK unified and compatibility ideographs, Hangul syllables). So
/// sacremoses pads each Chinese character as a token of its own ("日本語" → "日 本 語"); we apply the
/// same restrictions (`outsidePerlTables`) to match it. Compared over all code points, what still
/// differs are letters, digits and symbols Unicode added after the Perl tables' version (ICU has
/// Unicode 15): 368 in `IsAlnum`/`IsAlpha`, 23 in `IsN`, 292 in `IsLower`, 5 in `IsSc`, 411 in
/// `IsSo`, none of which occur in our corpora. Two quirks of sacremoses' data we copy: U+25CC DOTTED
/// CIRCLE is a (lowercase) letter there, since its extraction wrote each combining mark after a "◌",
/// and so is U+135F ETHIOPIC COMBINING GEMINATION MARK, Alphabetic in older Unicode. (Its U+000A in
/// `IsN`, `IsSc` and `IsSo` never reaches a rule that uses them: newlines become spaces first.)
///
/// The Basic Multilingual Plane is one flat table of 65,536 flag words, built once on first use;
/// scalars above it (emoji, historic scripts) ask ICU each time, since they are rare.
public final class CharacterClasses: @unchecked Sendable {
    /// Python `str.isspace()`: what `\s`, `split()` and `strip()` treat as whitespace.
    public static let space: UInt16 = 1 << 0
    /// Perl `IsAlnum` with sacremoses' viramas and nuktas (the tokenizer's alphanumerics).
    public static let alphanumeric: UInt16 = 1 << 1
    /// Perl `IsAlpha` with sacremoses' viramas and nuktas (the tokenizer's letters).
    public static let letter: UInt16 = 1 << 2
    /// Perl `IsAlpha` alone (the detokenizer's letters).
    public static let alphabetic: UInt16 = 1 << 3
    /// Perl `IsN`: any number (digits, Roman numerals, fractions, superscripts).
    public static let number: UInt16 = 1 << 4
    /// Perl `IsLower`.
    public static let lowercase: UInt16 = 1 << 5
    /// Perl `IsSc`: currency symbols.
    public static let currency: UInt16 = 1 << 6
    /// Perl `IsSo`: other symbols.
    public static let otherSymbol: UInt16 = 1 << 7
    /// What the tokenizer pads with spaces: `[^IsAlnum\s.'`,-]` (sacremoses' `PAD_NOT_ISALNUM`).
    public static let padded: UInt16 = 1 << 8

    /// The one shared table.
    public static let shared = CharacterClasses()

    /// Flags of U+0000 … U+FFFF; allocated once and never freed (it lives as long as the process).
    public let basicPlane: UnsafePointer<UInt16>

    private init() {
        let table = UnsafeMutablePointer<UInt16>.allocate(capacity: 0x10000)
        for scalar in 0..<UInt32(0x10000) { table[Int(scalar)] = Self.computeFlags(scalar) }
        basicPlane = UnsafePointer(table)
    }

    /// The flags of any scalar.
    @inline(__always)
    public func flags(_ scalar: UInt32) -> UInt16 {
        scalar < 0x10000 ? basicPlane[Int(scalar)] : Self.computeFlags(scalar)
    }

    /// The flags of a scalar from ICU's data (the slow path, and how the table is built).
    @inline(never)
    public static func computeFlags(_ scalar: UInt32) -> UInt16 {
        var flags: UInt16 = 0
        let category = nmt_icu_char_type(scalar)
        let direction = nmt_icu_char_direction(scalar)
        if category == NMT_ICU_SPACE_SEPARATOR
            || direction == NMT_ICU_WHITE_SPACE_NEUTRAL
            || direction == NMT_ICU_BLOCK_SEPARATOR
            || direction == NMT_ICU_SEGMENT_SEPARATOR {
            flags |= space
        }
        let indicMark = viramasAndNuktas.contains(scalar)
        let inPerlTables = !outsidePerlTables(scalar)
        let dataQuirk = scalar == 0x25CC || scalar == 0x135F
        if (inPerlTables && nmt_icu_is_posix_alnum(scalar) != 0) || indicMark || dataQuirk { flags |= alphanumeric }
        let isAlphabetic = inPerlTables && nmt_icu_is_alphabetic(scalar) != 0 || dataQuirk
        if isAlphabetic || indicMark { flags |= letter }
        if isAlphabetic { flags |= alphabetic }
        if inPerlTables && (category == NMT_ICU_DECIMAL_DIGIT_NUMBER
            || category == NMT_ICU_LETTER_NUMBER || category == NMT_ICU_OTHER_NUMBER) {
            flags |= number
        }
        if nmt_icu_is_lowercase(scalar) != 0 || scalar == 0x25CC { flags |= lowercase }
        if scalar < 0x10000 && category == NMT_ICU_CURRENCY_SYMBOL { flags |= currency }
        if scalar < 0x10000 && category == NMT_ICU_OTHER_SYMBOL { flags |= otherSymbol }
        let keptByPadding = scalar == 0x2E || scalar == 0x27 || scalar == 0x60 || scalar == 0x2C || scalar == 0x2D
        if flags & (space | alphanumeric) == 0 && !keptByPadding { flags |= padded }    // . ' ` , -
        return flags
    }

    /// Whether `scalar` is missing from the `IsAlnum`, `IsAlpha` and `IsN` tables sacremoses ships:
    /// everything beyond the BMP, CJK Unified Ideographs (with Extension A), Hangul Syllables and
    /// CJK Compatibility Ideographs.
    static func outsidePerlTables(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x10000...:
            return true
        default:
            return false
        }
    }

    /// sacremoses' `indic.VIRAMAS` and `indic.NUKTAS`, which its tokenizer adds to `IsAlnum` and `IsAlpha`.
    static let viramasAndNuktas: Set<UInt32> = [
        // Viramas
        0x094D, 0x09CD, 0x0A4D, 0x0ACD, 0x0B4D, 0x0BCD, 0x0C4D, 0x0CCD, 0x0D3B, 0x0D3C, 0x0D4D, 0x0EBA,
        0x1039, 0x1714, 0x1BAB, 0xA8C4, 0xA8F3, 0xA8F4, 0xA953, 0xAAF6, 0x10A3F, 0x11046, 0x110B9, 0x11133,
        0x111C0, 0x11235, 0x112EA, 0x1134D, 0x11442, 0x114C2, 0x115BF, 0x1163F, 0x116B6, 0x11839, 0x119E0,
        0x11A34, 0x11C3F, 0x11D45, 0x11D97, 0x0DCA,
        // Nuktas
        0x093C, 0x09BC, 0x0A3C, 0x0ABC, 0x0AFD, 0x0AFE, 0x0AFF, 0x0B3C, 0x0CBC, 0x1C37, 0x110BA, 0x11173,
        0x111CA, 0x11236, 0x112E9, 0x1133C, 0x11446, 0x114C3, 0x115C0, 0x116B7, 0x1183A, 0x11D42, 0x1E94A,
    ]

    /// sacremoses' `util.is_cjk`: the CJK blocks listed by Wikipedia, closed ranges. The detokenizer
    /// joins two CJK tokens without a space.
    @inline(__always)
    public static func isCJK(_ scalar: UInt32) -> Bool {
        if scalar < 0x1100 { return false }
        switch scalar {
        case 0x1100...0x11FF, 0x2E80...0xA4CF, 0xA840...0xA87F, 0xAC00...0xD7AF, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF65...0xFFDC, 0x17000...0x18AFF, 0x1B000...0x1B12F, 0x1B170...0x1B2FF,
             0x20000...0x2FFFF:
            return true
        default:
            return false
        }
    }
}
