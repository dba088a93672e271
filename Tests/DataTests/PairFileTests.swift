import Foundation
import Testing
import IO
@testable import Data

/// `TSVCorpus` and `TMXCorpus` on hand-made files holding every malformed case: each entry that
/// gives no pair is counted under its reason, the others come out in file order.
@Suite struct PairFileTests {
    static func file(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "pairs-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func counts(_ malformed: MalformedPairs) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: malformed.counts.map { ($0.reason, $0.count) })
    }

    @Test func tsvCountsEveryMalformedLine() throws {
        var bytes = Array("\u{FEFF}Hello.\tBonjour.\r\n".utf8)
        bytes += Array("no tab here\n".utf8)                        // missing_tab
        bytes += Array("\n".utf8)                                   // blank_line
        bytes += Array("a\tb\tc\n".utf8)                            // extra_columns
        bytes += Array("\tSans source.\n".utf8)                     // empty_side
        bytes += Array("No target.\t  \n".utf8)                     // empty_side
        bytes += [0x62, 0x61, 0x64, 0xC3, 0x28, 0x09, 0x78, 0x0A]   // invalid_utf8
        bytes += Array("Two  spaces\tDeux  espaces".utf8)           // kept, no final newline
        let path = try Self.file(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pairs = try TSVCorpus.read(path)
        #expect(pairs.source.strings == ["Hello.", "Two  spaces"])
        #expect(pairs.target.strings == ["Bonjour.", "Deux  espaces"])
        #expect(Self.counts(pairs.malformed) == ["invalid_utf8": 1, "blank_line": 1, "missing_tab": 1, "extra_columns": 1,
                                                 "empty_side": 2])
        #expect(pairs.malformed.counts.map(\.reason) == TSVCorpus.reasons)
    }

    @Test func tsvErrorsNameTheFile() {
        #expect(throws: FileError.notFound(path: "/nonexistent.tsv")) { try TSVCorpus.read("/nonexistent.tsv") }
    }

    static let tmx = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE tmx SYSTEM "tmx14.dtd">
        <tmx version="1.4">
          <header creationtool="hand" creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="en" datatype="plaintext"/>
          <body>
            <tu tuid="1">
              <prop type="x-note">kept</prop>
              <tuv xml:lang="en"><seg>Hello &amp; welcome.</seg></tuv>
              <tuv xml:lang="fr-FR"><seg>Bonjour et bienvenue.</seg></tuv>
            </tu>
            <tu tuid="2"><!-- kept: inline codes left out, <hi> kept; language codes by primary subtag -->
              <tuv xml:lang="fr_CA"><seg>Un <bpt i="1">&lt;b&gt;</bpt>gras<ept i="1">&lt;/b&gt;</ept> mot<ph>&lt;br/&gt;</ph>.</seg></tuv>
              <tuv lang="EN-gb"><seg>A <hi type="b">bold</hi> word<it pos="begin">{\\i}</it>.</seg></tuv>
            </tu>
            <tu tuid="3"><tuv xml:lang="fr"><seg>Pas de source.</seg></tuv><tuv xml:lang="de"><seg>Keine Quelle.</seg></tuv></tu>
            <tu tuid="4"><tuv xml:lang="en"><seg>No target.</seg></tuv></tu>
            <tu tuid="5"><tuv xml:lang="en"><seg>One.</seg></tuv><tuv xml:lang="en-US"><seg>Two.</seg></tuv><tuv xml:lang="fr"><seg>Un.</seg></tuv></tu>
            <tu tuid="6"><tuv xml:lang="en"><seg>No seg in French.</seg></tuv><tuv xml:lang="fr"><note>rien</note></tuv></tu>
            <tu tuid="7"><tuv xml:lang="en"><seg>A.</seg><seg>B.</seg></tuv><tuv xml:lang="fr"><seg>A.</seg></tuv></tu>
            <tu tuid="8"><tuv xml:lang="en"><seg>  </seg></tuv><tuv xml:lang="fr"><seg>Vide.</seg></tuv></tu>
            <tu tuid="9"><tuv xml:lang="en"><seg><ph>&lt;img/&gt;</ph></seg></tuv><tuv xml:lang="fr"><seg>Image.</seg></tuv></tu>
            <tu tuid="10"><tuv xml:lang="en"><seg>Two
        lines.</seg></tuv><tuv xml:lang="fr"><seg><![CDATA[Deux <lignes>.]]></seg></tuv></tu>
          </body>
        </tmx>

        """

    @Test func tmxPicksThePairAndCountsEveryMalformedUnit() throws {
        let path = try Self.file(Array(Self.tmx.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pairs = try TMXCorpus.read(path, source: "en", target: "fr")
        #expect(pairs.source.strings == ["Hello & welcome.", "A bold word.", "Two lines."])
        #expect(pairs.target.strings == ["Bonjour et bienvenue.", "Un gras mot.", "Deux <lignes>."])
        #expect(Self.counts(pairs.malformed) == ["missing_source": 1, "missing_target": 1, "duplicate_language": 1,
                                                 "missing_seg": 1, "several_segs": 1, "empty_seg": 2])
        // The other direction: French source, English target.
        let reversed = try TMXCorpus.read(path, source: "fr", target: "en")
        #expect(reversed.source.strings == pairs.target.strings)
        #expect(reversed.target.strings == pairs.source.strings)
        #expect(reversed.malformed["missing_source"] == 1 && reversed.malformed["missing_target"] == 1)
    }

    @Test func primarySubtags() {
        #expect(["en", "EN", "en-US", "en_GB", "En-Latn-US"].map(TMXCorpus.primarySubtag) == ["en", "en", "en", "en", "en"])
    }

    @Test(arguments: [
        ("<tmx><body><tu><tuv xml:lang=\"en\"><seg>a</seg></tuv>\n</body></tmx>", "PATH:2: invalid XML: </body> where </tu> was expected"),
        ("<tmx><body>\n<tu>\n", "PATH:3: invalid XML: the file ends inside <tu>, which is never closed"),
        ("<html><body/></html>", "PATH:1: invalid XML: the root element is <html>, not <tmx>: not a TMX file"),
    ])
    func brokenXMLIsOneLineNamingFileAndLine(xml: String, message: String) throws {
        let path = try Self.file(Array(xml.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var got: String? = nil
        do { _ = try TMXCorpus.read(path, source: "en", target: "fr") } catch { got = "\(error)" }
        #expect(got == message.replacingOccurrences(of: "PATH", with: path))
    }
}
