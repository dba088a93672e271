import IO
import Testing
@testable import Text

@Suite struct NonbreakingPrefixesTests {
    /// The lists compiled into the binary are the files in vocab/ (regenerate with vocab/embed.sh).
    @Test(arguments: ["en", "fr"])
    func embeddedListsEqualTheFilesInVocab(language: String) throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let file = try FileSystem.readBytes("/\(root)/vocab/nonbreaking_prefix.\(language)")
        let embedded = try #require(NonbreakingPrefixes.files[language])
        #expect(embedded + "\n" == String(decoding: file, as: UTF8.self))
    }

    func kind(_ prefixes: NonbreakingPrefixes, _ prefix: String) -> NonbreakingPrefixes.Kind {
        Array(prefix.unicodeScalars.map(\.value)).withUnsafeBufferPointer { prefixes.kind(of: $0) }
    }

    @Test func englishList() throws {
        let english = try #require(NonbreakingPrefixes(language: "en"))
        #expect(kind(english, "Mr") == .always)
        #expect(kind(english, "e.g") == .always)
        #expect(kind(english, "No") == .numericOnly)
        #expect(kind(english, "Nos") == .always)
        #expect(kind(english, "pp") == .numericOnly)
        #expect(kind(english, "May") == .none)          // a comment in the file, not an entry
        #expect(kind(english, "") == .none)
        #expect(kind(english, "No #NUMERIC_ONLY#") == .always)    // sacremoses keeps the raw line too
    }

    @Test func frenchList() throws {
        let french = try #require(NonbreakingPrefixes(language: "fr"))
        #expect(kind(french, "M") == .always)
        #expect(kind(french, "c.-à-d") == .always)
        #expect(kind(french, "a") == .none)             // "#a" is commented out
        #expect(kind(french, "No") == .none)
        #expect(NonbreakingPrefixes(language: "de") == nil)
    }

    @Test func parsesLikeSacremoses() {
        let prefixes = NonbreakingPrefixes(contents: "#comment\n  Abc  \n\nNum #NUMERIC_ONLY#\nOther\t#NUMERIC_ONLY#\n")
        #expect(kind(prefixes, "Abc") == .always)
        #expect(kind(prefixes, "Num") == .numericOnly)
        #expect(kind(prefixes, "") == .none)            // no space before the marker: the prefix is ""
        #expect(kind(prefixes, "#comment") == .none)
    }
}
