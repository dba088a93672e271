import Testing
import IO
@testable import Text

/// Expected strings in this file are outputs of sacremoses 0.2.0,
/// `MosesDetokenizer(lang).detokenize(line.split())`.
@Suite struct MosesDetokenizerTests {
    @Test(arguments: ["en", "fr"])
    func matchesSacremosesOnFixtures(language: String) throws {
        let detokenizer = try MosesDetokenizer(language: language)
        var workspace = MosesDetokenizer.Workspace()
        try MosesFixtures.expectAgreement("detokenize", language: language, inputKind: "tok", expectedKind: "detok",
                                          atLeast: 0.99) { line, output in
            detokenizer.detokenize(line, workspace: &workspace, into: &output)
        }
    }

    let english = try! MosesDetokenizer(language: "en")
    let french = try! MosesDetokenizer(language: "fr")

    @Test func currencyAttachesRightAndPunctuationLeft() {
        #expect(english.detokenize("The Jones ' house costs $ 5 .") == "The Jones' house costs $5.")
        #expect(english.detokenize("( a ) [ b ] { c } ¿ d ?") == "(a) [b] {c} ¿d?")
    }

    @Test func quotesAlternateBetweenOpeningAndClosing() {
        #expect(english.detokenize("\" Hello \" she said , ' hi ' and `` bye '' .") == "\"Hello\" she said, 'hi' and ``bye ''.")
        // „ and “ count as ", ” is no opening quote at all.
        #expect(english.detokenize("„ a “ b ” \" c \"") == "„a“ b ” \"c\"")
    }

    @Test func englishContractionsJoinThePreviousWord() {
        #expect(english.detokenize("It 's John 's book , is n't it ?") == "It's John's book, is n't it?")
    }

    @Test func frenchElisionsJoinTheNextWordAndPunctuationKeepsItsSpace() {
        #expect(french.detokenize("l' image d' un homme ; « Bonjour » dit-il : ça va ? 20 %")
                == "l'image d'un homme ; « Bonjour » dit-il : ça va ? 20 %")
    }

    @Test func xmlEscapesAreUndoneInSacremosesOrder() {
        #expect(english.detokenize("A &amp; B &lt; C &#124; D &amp;lt; &quot;x&quot; &apos;") == "A & B < C | D &lt; \"x\" '")
    }

    @Test func aggressiveHyphenSplitsAreJoinedWithoutOverlap() {
        #expect(english.detokenize("foo @-@ bar @-@ @-@ baz") == "foo-bar-@-@ baz")
    }

    @Test func cjkTokensJoin() {
        #expect(english.detokenize("日 本 語 text 한 국") == "日本語 text 한국")
    }

    @Test func emptyLineGivesEmptyOutput() {
        #expect(english.detokenize("") == "")
        #expect(english.detokenize(" \t ") == "")
    }

    @Test func otherLanguagesAreRejected() {
        #expect(throws: MosesError.unsupportedLanguage("cs")) { try MosesDetokenizer(language: "cs") }
    }
}
