import IO
import Text
import Testing
@testable import Data

/// The training filters' boundaries: a limit is inclusive, one past it drops.
@Suite struct FilterTests {
    func filter(_ pairs: [(String, String)], maxLength: Int = 80, ratio: Double = 2.5, heldOut: Set<String> = [],
                tokenizer: TokenizerKind = .moses) -> (kept: [String], dropped: [DropReason: Int]) {
        var options = PrepareOptions()
        options.tokenizer = tokenizer
        options.maxLength = maxLength
        options.lengthRatio = ratio
        let (kept, dropped) = CorpusPreparation.filter(LineBuffer(lines: pairs.map(\.0)), LineBuffer(lines: pairs.map(\.1)),
                                                       heldOut: heldOut, options: options)
        return (kept[0].strings, dropped)
    }

    @Test func maxLengthIsInclusive() {
        let five = "a b c d e", six = "a b c d e f"
        let result = filter([(five, "v w x y z"), (six, "u v w x y z"), ("p q", six)], maxLength: 5)
        #expect(result.kept == [five])
        #expect(result.dropped[.tooLong] == 2)
    }

    @Test func lengthRatioIsInclusiveBothWays() {
        let result = filter([("a b", "w x y z q"), ("a b", "w x y z q r"), ("a b c d e f", "x y")], ratio: 2.5)
        #expect(result.kept == ["a b"])            // 5 / 2 = 2.5 is kept; 6 / 2 and 6 / 2 are dropped
        #expect(result.dropped[.lengthRatio] == 2)
    }

    @Test func firstReasonWinsAndDuplicatesCountFromTheSecond() {
        let result = filter([("x", "x"), ("x", "x"), ("", ""), ("a b", "c d"), ("a b", "c d"), ("a b", "c e"), ("held", "out")],
                            heldOut: ["held"])
        #expect(result.kept == ["a b", "a b"])
        #expect(result.dropped == [.empty: 1, .untranslated: 2, .tooLong: 0, .lengthRatio: 0, .duplicate: 1, .inDevOrTest: 1])
    }

    /// Reversible tokens that differ only in their spacing marks (`Prix:` / `Prix\u{A0}:`) are the same text.
    @Test func reversibleTokensCompareWithoutTheirSpacingMarks() {
        let result = filter([("Prix ￭:", "Prix ￭％00A0:"), ("a ￭.", "b ￭."), ("a ￭.", "b .")], tokenizer: .reversible)
        #expect(result.kept == ["a ￭."])
        #expect(result.dropped[.untranslated] == 1 && result.dropped[.duplicate] == 1)
    }
}
