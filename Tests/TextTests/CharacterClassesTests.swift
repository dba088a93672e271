import Testing
@testable import Text

@Suite struct CharacterClassesTests {
    let classes = CharacterClasses.shared

    func has(_ scalar: Unicode.Scalar, _ flag: UInt16) -> Bool { classes.flags(scalar.value) & flag != 0 }

    @Test func whitespaceIsPythons() {
        for scalar: Unicode.Scalar in [" ", "\t", "\n", "\u{0B}", "\u{1C}", "\u{1F}", "\u{85}", "\u{A0}", "\u{2009}", "\u{202F}", "\u{3000}"] {
            #expect(has(scalar, CharacterClasses.space), "\(scalar.value)")
        }
        for scalar: Unicode.Scalar in ["\u{01}", "\u{200B}", "\u{FEFF}", "\u{180E}", "a"] {
            #expect(!has(scalar, CharacterClasses.space), "\(scalar.value)")
        }
    }

    @Test func perlClassesFromICU() {
        #expect(has("é", CharacterClasses.letter) && has("é", CharacterClasses.alphanumeric))
        #expect(has("5", CharacterClasses.alphanumeric) && !has("5", CharacterClasses.letter))
        #expect(has("²", CharacterClasses.number) && !has("²", CharacterClasses.alphanumeric))
        #expect(has("Ⅻ", CharacterClasses.number) && has("Ⅻ", CharacterClasses.letter))
        #expect(has("ª", CharacterClasses.lowercase) && !has("A", CharacterClasses.lowercase))
        #expect(has("€", CharacterClasses.currency) && has("©", CharacterClasses.otherSymbol))
        // sacremoses adds viramas to the tokenizer's letters only.
        #expect(has("\u{094D}", CharacterClasses.letter) && !has("\u{094D}", CharacterClasses.alphabetic))
    }

    @Test func sacremosesTableGapsAndQuirks() {
        // Its Perl tables lack CJK ideographs, Hangul syllables and everything beyond the BMP…
        for scalar: Unicode.Scalar in ["日", "한", "𝐀", "𐐀"] {
            #expect(!has(scalar, CharacterClasses.alphanumeric) && has(scalar, CharacterClasses.padded), "\(scalar.value)")
        }
        #expect(has("𐐨", CharacterClasses.lowercase))    // …except in IsLower
        // …and count the dotted circle as a lowercase letter.
        #expect(has("◌", CharacterClasses.letter) && has("◌", CharacterClasses.lowercase) && !has("◌", CharacterClasses.padded))
    }

    @Test func paddingSparesAlphanumericsSpacesAndFivePunctuationMarks() {
        for scalar: Unicode.Scalar in [".", "'", "`", ",", "-", "a", "0", " "] { #expect(!has(scalar, CharacterClasses.padded)) }
        for scalar: Unicode.Scalar in ["!", "?", "(", "\"", "’", "%", "\u{7F}", "\u{301}"] { #expect(has(scalar, CharacterClasses.padded)) }
    }

    @Test func cjkRangesAreClosed() {
        #expect(CharacterClasses.isCJK(0xAC00) && CharacterClasses.isCJK(0x1100) && CharacterClasses.isCJK(0x2FFFF))
        #expect(!CharacterClasses.isCJK(0x10FF) && !CharacterClasses.isCJK(0xFE5F) && !CharacterClasses.isCJK(0x16FE0))
    }
}
