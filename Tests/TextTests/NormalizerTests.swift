import Testing
@testable import Text

@Suite struct NormalizerTests {
    /// The quick path (every scalar NFC_Quick_Check Yes) must never skip text that NFC changes.
    @Test func nfcComposesDecomposedAndCompatibilityIsLeftAlone() {
        #expect(Normalizer.nfc("e\u{301}t\u{E9}") == "\u{E9}t\u{E9}")           // e + combining acute → é
        #expect(Normalizer.nfc("A\u{30A}") == "\u{C5}")                          // A + ring → Å
        #expect(Normalizer.nfc("\u{212B}") == "\u{C5}")                          // ANGSTROM SIGN → Å (singleton)
        #expect(Normalizer.nfc("ﬁ ＡＢＣ") == "ﬁ ＡＢＣ")                          // NFC keeps compatibility characters
        #expect(Normalizer.nfc("\u{1D15E}") == "\u{1D157}\u{1D165}")             // beyond the BMP: through ICU
        #expect(Normalizer.nfc("déjà vu") == "déjà vu")
    }

    @Test func quickCheckAgreesWithICUOnEveryBMPScalar() {
        // A scalar the quick path passes must be NFC on its own (checked through ICU's full path).
        var bad = [UInt32]()
        for value in UInt32(0x80)..<0x10000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = Array(String(scalar).utf8)
            let quick = text.withUnsafeBufferPointer { Normalizer.isCertainlyNFC($0) }
            if quick && String(decoding: text, as: UTF8.self).unicodeScalars.map(\.value) != Normalizer.nfc(String(scalar)).unicodeScalars.map(\.value) {
                bad.append(value)
            }
        }
        #expect(bad.isEmpty, "quick path passes non-NFC scalars: \(bad.prefix(10))")
    }

    @Test func lowercaseUsesFullMappings() {
        #expect(Normalizer.lowercase("ÉCOLE İstanbul ΣΑΣ") == "école i̇stanbul σας")
    }
}
