#if canImport(Glibc)
import Glibc
#endif
import Testing
import IO
import TestSupport
@testable import Text

@Suite struct VocabularyTests {
    @Test func specialsComeFirstAndUnknownTokensMapToUnk() {
        var counts = TokenCounts()
        counts.add(LineBuffer(lines: ["le chat", "le chien"]))
        let vocabulary = Vocabulary(counts: counts)
        #expect(vocabulary.tokens == ["<pad>", "<go>", "<eos>", "<unk>", "le", "chat", "chien"])
        #expect(vocabulary.id("le") == 4)
        #expect(vocabulary.id("oiseau") == Vocabulary.unkID)
        #expect(vocabulary.token(2) == "<eos>")
    }

    /// The special ids (`Batch` uses them too) are the lines the specials are written on.
    @Test func specialIDsAreTheSpecialsLines() {
        let vocabulary = Vocabulary(tokens: Vocabulary.specials + ["le"])
        #expect([Vocabulary.pad, Vocabulary.go, Vocabulary.eos, Vocabulary.unk].map { vocabulary.id($0) }
                == [Vocabulary.padID, Vocabulary.goID, Vocabulary.eosID, Vocabulary.unkID])
        #expect([Vocabulary.padID, Vocabulary.goID, Vocabulary.eosID, Vocabulary.unkID] == [0, 1, 2, 3])
    }

    @Test func fileRoundTripAndValidation() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("v")
        let vocabulary = Vocabulary(tokens: Vocabulary.specials + ["x", "y"])
        try FileSystem.writeAtomically(path, vocabulary.fileContents())
        #expect(try Vocabulary(contentsOf: path) == vocabulary)

        try FileSystem.writeAtomically(path, Array("<pad>\n<go>\n<unk>\n<eos>\n".utf8))
        #expect(throws: VocabularyError.missingSpecial(path: path, line: 3, expected: "<eos>")) { try Vocabulary(contentsOf: path) }
        try FileSystem.writeAtomically(path, Array("<pad>\n<go>\n<eos>\n<unk>\nx\ny\nx\n".utf8))
        #expect(throws: VocabularyError.duplicate(path: path, line: 7, token: "x")) { try Vocabulary(contentsOf: path) }
        try FileSystem.writeAtomically(path, Array("<pad>\n<go>\n<eos>\n<unk>\na b\n".utf8))
        #expect(throws: VocabularyError.badToken(path: path, line: 5)) { try Vocabulary(contentsOf: path) }
    }
}
