import Testing
import IO
@testable import Text

/// Expected strings in this file are outputs of sacremoses 0.2.0,
/// `MosesTokenizer(lang).tokenize(line, escape=False, return_str=True)`.
@Suite struct MosesTokenizerTests {
    @Test(arguments: ["en", "fr"])
    func matchesSacremosesOnFixtures(language: String) throws {
        let tokenizer = try MosesTokenizer(language: language)
        var workspace = MosesTokenizer.Workspace()
        try MosesFixtures.expectAgreement("tokenize", language: language, inputKind: "input", expectedKind: "tok",
                                          atLeast: 0.995) { line, output in
            tokenizer.tokenize(line, workspace: &workspace, into: &output)
        }
    }

    let english = try! MosesTokenizer(language: "en")
    let french = try! MosesTokenizer(language: "fr")

    @Test func frenchElisionKeepsTheApostropheOnTheLeft() {
        #expect(french.tokenize("l'image d'un homme qu'il a vu, jusqu'à aujourd'hui")
                == "l' image d' un homme qu' il a vu , jusqu' à aujourd' hui")
        // The typographic apostrophe is not in the rules: it is padded like any symbol.
        #expect(french.tokenize("l’image d’un homme qu’il a vu") == "l ’ image d ’ un homme qu ’ il a vu")
    }

    @Test func englishSplitsContractionsAndPossessives() {
        #expect(english.tokenize("It's John's book, isn't it? The '90s, 1990's and rock'n'roll.")
                == "It 's John 's book , isn 't it ? The ' 90s , 1990 's and rock 'n'roll .")
        #expect(english.tokenize("l'image d'un homme") == "l 'image d 'un homme")
    }

    @Test func numbersKeepTheirPeriodsAndCommas() {
        #expect(english.tokenize("Version 2.0 costs 1,5 or 5,300.50 (a,b,,c) 3,")
                == "Version 2.0 costs 1,5 or 5,300.50 ( a , b , , c ) 3 ,")
        #expect(french.tokenize("Version 2.0 : 1,5 million, 10,-") == "Version 2.0 : 1,5 million , 10 , -")
    }

    @Test func matchesDoNotOverlap() {
        // Each apostrophe rule consumes the scalar after the apostrophe, so the next one cannot use it.
        #expect(english.tokenize("x''''''''a,a,a,a,a,9") == "x ' ' '' ' '' ' a , a , a , a , a , 9")
    }

    @Test func multidotsStayTogether() {
        #expect(english.tokenize("Wait... really.... ok.. a..b ...") == "Wait ... really .... ok .. a .. b ...")
        // sacremoses also turns the marker's letters back into periods when the text spells them.
        #expect(english.tokenize("xDOTDOTMULTIy DOTMULTI ...") == "x..y . ...")
    }

    @Test func nonbreakingPrefixesKeepTheirPeriod() {
        #expect(english.tokenize("Mr. Smith met Dr. Who. No. 5 is fine. It is No. Art. 12 and Art. It. U.S.A. e.g. this. Fig. X")
                == "Mr. Smith met Dr. Who . No. 5 is fine . It is No . Art. 12 and Art . It . U.S.A. e.g. this . Fig . X")
        #expect(french.tokenize("M. Dupont, etc. Voir p. 5 et art. 12. Il part. Fin.")
                == "M. Dupont , etc. Voir p. 5 et art. 12 . Il part . Fin .")
    }

    @Test func unicodeSpacesAreWhitespace() {
        #expect(french.tokenize("Prix\u{A0}: 5\u{202F}€ ;\u{2009}taux\u{3000}: 20\u{A0}%") == "Prix : 5 € ; taux : 20 %")
    }

    @Test func controlCharactersAreDeletedAfterSpacesAreMerged() {
        // \u{1F} and \u{0B}, \u{85} are whitespace to Python; \u{01} is deleted; U+200B is neither.
        #expect(english.tokenize("a\u{01}b c \u{1F}d \u{01} e\u{7F}\u{0B}\u{85}f\u{200B}g") == "ab c d e \u{7F} f \u{200B} g")
    }

    @Test func trailingPeriodQuoteKeepsSacremosesTrailingSpace() {
        #expect(english.tokenize("Trailing period inside quote.'") == "Trailing period inside quote . ' ")
    }

    @Test func chineseCharactersAreTokensOfTheirOwn() {
        #expect(english.tokenize("Mixed: 日本語 한국어 and 😀𝐀.") == "Mixed : 日 本 語 한 국 어 and 😀 𝐀 .")
    }

    @Test func emptyAndBlankLinesGiveEmptyOutput() {
        #expect(english.tokenize("") == "")
        #expect(english.tokenize("   ") == "")
        var workspace = MosesTokenizer.Workspace()
        var output: [UInt8] = [0x41]
        [UInt8]().withUnsafeBufferPointer { english.tokenize($0, workspace: &workspace, into: &output) }
        #expect(output == [0x41])
    }

    @Test func longLinesTakeLinearTime() {
        // 100,799 characters; the segment is sacremoses' output for one repetition, and sacremoses
        // gives exactly the repeated segments for the whole line.
        let line = Array(repeating: "Dots... and, commas 'quoted' l'été. No. 5,5 $3!", count: 2100).joined(separator: " ")
        let segment = "Dots ... and , commas ' quoted ' l 'été . No. 5,5 $ 3 !"
        let frenchSegment = "Dots ... and , commas ' quoted ' l' été . No . 5,5 $ 3 !"
        let clock = ContinuousClock()
        var english = ""
        var french = ""
        var dots = ""
        let elapsed = clock.measure {
            english = self.english.tokenize(line)
            french = self.french.tokenize(line)
            dots = self.english.tokenize(String(repeating: ".", count: 100_000))
        }
        #expect(line.count >= 100_000)
        #expect(english == Array(repeating: segment, count: 2100).joined(separator: " "))
        #expect(french == Array(repeating: frenchSegment, count: 2100).joined(separator: " "))
        #expect(dots == String(repeating: ".", count: 100_000))
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }

    @Test func workspaceIsReusedAcrossLinesOfDifferentLengths() {
        var workspace = MosesTokenizer.Workspace()
        var output = [UInt8]()
        for line in ["A long line, with commas, periods... and 'quotes'.", "b.", "", "Dr. No."] {
            output.removeAll()
            Array(line.utf8).withUnsafeBufferPointer { english.tokenize($0, workspace: &workspace, into: &output) }
            #expect(String(decoding: output, as: UTF8.self) == english.tokenize(line))
        }
    }

    @Test func otherLanguagesAreRejected() {
        #expect(throws: MosesError.unsupportedLanguage("de")) { try MosesTokenizer(language: "de") }
        #expect(MosesError.unsupportedLanguage("de").description
                == "unsupported language 'de' for the Moses tokenizer: only en and fr are supported")
    }
}
