import Text
import Foundation
import Testing
@testable import Eval

/// sacrebleu's `Tokenizer13a()(line)` and Python's `str.lower()` on tricky lines
/// (`Tests/Fixtures/score/tokenize.json`), compared scalar by scalar (Swift's `==` would equate
/// canonically equivalent strings that sacrebleu tells apart).
@Suite struct BLEUTokenizerTests {
    struct Line {
        var input: String
        var tokenized: String
        var lowered: String
        var loweredTokenized: String
    }

    static func lines() throws -> [Line] {
        let data = try Data(contentsOf: ScoreFixture.directory.appendingPathComponent("tokenize.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [[String: String]]).map {
            Line(input: $0["input"]!, tokenized: $0["13a"]!, lowered: $0["lower"]!, loweredTokenized: $0["lower13a"]!)
        }
    }

    static func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    @Test func thirteenAMatchesSacrebleu() throws {
        let lines = try Self.lines()
        #expect(lines.count > 80)
        for line in lines {
            #expect(Self.scalars(BLEUTokenizer.mteval13a.tokenize(line.input)) == Self.scalars(line.tokenized),
                    "\(line.input.debugDescription) → \(line.tokenized.debugDescription)")
        }
    }

    @Test func lowercaseMatchesPython() throws {
        for line in try Self.lines() {
            let lowered = PythonText.lowercased(PythonText.scalars(line.input))
            #expect(lowered == Self.scalars(line.lowered), "\(line.input.debugDescription)")
            let tokenized = BLEUTokenizer.mteval13a.tokenize(PythonText.rstripped(lowered))
            #expect(tokenized == Self.scalars(line.loweredTokenized), "\(line.input.debugDescription)")
        }
    }

    @Test func pythonWhitespaceAndFinalSigma() {
        let spaces = (0..<0x3100).filter { PythonText.isSpace(UInt32($0)) }
        #expect(spaces.count == 29)
        #expect(!PythonText.isSpace(0x200B) && !PythonText.isSpace(0xFEFF))
        #expect(PythonText.string(PythonText.lowercased(PythonText.scalars("ΟΔΟΣ Σ ΑΣ."))) == "οδος σ ας.")
        #expect(PythonText.words(PythonText.scalars(" a\u{3000}b\u{85}c ")) == [1..<2, 3..<4, 5..<6])
    }

    @Test func noneLeavesTheLineAlone() {
        #expect(BLEUTokenizer.none.tokenize("a,b  c.") == "a,b  c.")
        #expect(BLEUTokenizer.mteval13a.tokenize("a,b  c.") == "a , b c .")
    }
}
