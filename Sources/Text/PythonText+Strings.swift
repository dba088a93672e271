/// The parts of Python's `str` that sacrebleu's scores depend on, over Unicode scalar values.
///
/// sacrebleu works on Python strings: `split()` and `rstrip()` cut at `str.isspace()` characters,
/// `lower()` maps full case with the final-sigma rule, and n-grams compare code points (so `é`
/// and `e` + U+0301 differ, unlike Swift's `String ==`). Text is therefore handled here as
/// `[UInt32]` scalar values, and only characters that Python 3.11's Unicode 14 data knows change
/// case, so a newer Swift Unicode table cannot make a score drift from sacrebleu's.
extension PythonText {
    /// The Unicode version of Python 3.11's `unicodedata` (that of the fixtures' sacrebleu).
    package static let unicodeVersion = (major: 14, minor: 0)

    /// The scalar values of a string, in order (no normalization).
    package static func scalars(_ text: String) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { out.append(scalar.value) }
        return out
    }

    package static func string(_ values: [UInt32]) -> String {
        var out = String.UnicodeScalarView()
        for value in values { out.append(Unicode.Scalar(value)!) }
        return String(out)
    }

    /// `str.split()`: the ranges of the maximal runs of non-space characters.
    package static func words(_ text: [UInt32]) -> [Range<Int>] {
        var words = [Range<Int>]()
        var start = -1
        for (i, value) in text.enumerated() {
            if isSpace(value) {
                if start >= 0 { words.append(start..<i); start = -1 }
            } else if start < 0 {
                start = i
            }
        }
        if start >= 0 { words.append(start..<text.count) }
        return words
    }

    /// `str.rstrip()`.
    package static func rstripped(_ text: [UInt32]) -> [UInt32] {
        var end = text.count
        while end > 0 && isSpace(text[end - 1]) { end -= 1 }
        return end == text.count ? text : Array(text[0..<end])
    }

    /// `''.join(text.split())`: the text without any whitespace.
    package static func removingSpaces(_ text: [UInt32]) -> [UInt32] {
        text.filter { !isSpace($0) }
    }

    /// `str.lower()`: full lowercase mappings (U+0130 → "i̇"), and Σ → ς at the end of a word.
    package static func lowercased(_ text: [UInt32]) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(text.count)
        for (i, value) in text.enumerated() {
            if value < 0x80 {
                out.append((0x41...0x5A).contains(value) ? value + 0x20 : value)
            } else if value == 0x3A3 {
                out.append(isFinalSigma(text, at: i) ? 0x3C2 : 0x3C3)
            } else {
                let properties = Unicode.Scalar(value)!.properties
                if knownToPython(properties) && properties.changesWhenLowercased {
                    for scalar in properties.lowercaseMapping.unicodeScalars { out.append(scalar.value) }
                } else {
                    out.append(value)
                }
            }
        }
        return out
    }

    /// Unicode's Final_Sigma condition as CPython tests it: a cased letter, then any
    /// case-ignorable ones, before Σ, and no cased letter after it (past case-ignorable ones).
    package static func isFinalSigma(_ text: [UInt32], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && isCaseIgnorable(text[j]) { j -= 1 }
        guard j >= 0 && isCased(text[j]) else { return false }
        j = i + 1
        while j < text.count && isCaseIgnorable(text[j]) { j += 1 }
        return j == text.count || !isCased(text[j])
    }

    /// Cased in Unicode 14. U+0295 ʕ was a lowercase letter until Unicode 16 made it Lo.
    package static func isCased(_ value: UInt32) -> Bool {
        if value == 0x295 { return true }
        let properties = Unicode.Scalar(value)!.properties
        return knownToPython(properties) && properties.isCased
    }

    /// Case-ignorable in Unicode 14. U+1171E (Ahom medial ra) was Mn until it became Mc.
    /// (These two overrides are the only differences a sweep of every code point found between
    /// Python 3.11's final-sigma decisions and Swift's newer tables.)
    package static func isCaseIgnorable(_ value: UInt32) -> Bool {
        if value == 0x1171E { return true }
        let properties = Unicode.Scalar(value)!.properties
        return knownToPython(properties) && properties.isCaseIgnorable
    }

    /// Whether the character was assigned by `unicodeVersion` (Python treats later ones as unassigned).
    @inline(__always)
    package static func knownToPython(_ properties: Unicode.Scalar.Properties) -> Bool {
        guard let age = properties.age else { return false }
        return (age.major, age.minor) <= unicodeVersion
    }
}
