import Foundation
import Testing
@testable import IO

/// `XMLStream` on hand-made documents: the events, decoded text, and one error line for each
/// kind of fault, with its line number; read with tiny blocks so tokens straddle refills.
@Suite struct XMLStreamTests {
    static func events(_ xml: String, blockSize: Int = 3) throws -> [XMLStream.Event] {
        let path = NSTemporaryDirectory() + "xmlstream-\(UUID().uuidString).xml"
        try Data(xml.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var stream = XMLStream(fd: open(path, O_RDONLY), path: "doc.xml", blockSize: blockSize)
        defer { stream.close() }
        var events: [XMLStream.Event] = []
        while let event = try stream.next() { events.append(event) }
        return events
    }

    static func error(_ xml: String) -> String? {
        do { _ = try events(xml); return nil } catch { return "\(error)" }
    }

    @Test(arguments: [3, 4096])
    func eventsOfAWellFormedDocument(blockSize: Int) throws {
        let xml = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE tmx SYSTEM "tmx14.dtd" [ <!ENTITY x "y"> ]>
            <!-- a comment with <tags> -->
            <tmx version='1.4'><body a="1 &amp; 2" b='&quot;&#233;&#x4E2D;'>a &lt;b&gt; &apos;c&apos;<![CDATA[<raw> & ]]>é<e/></body></tmx>

            """
        let events = try Self.events(xml, blockSize: blockSize)
        #expect(events == [
            .start(name: "tmx", attributes: [("version", "1.4")]),
            .start(name: "body", attributes: [("a", "1 & 2"), ("b", "\"é中")]),
            .text(Array("a <b> 'c'".utf8)), .text(Array("<raw> & ".utf8)), .text(Array("é".utf8)),
            .start(name: "e", attributes: []), .end(name: "e"),
            .end(name: "body"), .end(name: "tmx"),
        ])
    }

    @Test(arguments: [
        ("<a>\n<b>\n</a>", "doc.xml:3: invalid XML: </a> where </b> was expected"),
        ("<a>\n<b>text", "doc.xml:2: invalid XML: the file ends inside <b>, which is never closed"),
        ("<a>\n&nbsp;</a>", "doc.xml:2: invalid XML: unknown entity &nbsp;"),
        ("<a>&#0;</a>", "doc.xml:1: invalid XML: invalid character reference &#0;"),
        ("<a b=c/>", "doc.xml:1: invalid XML: attribute b of <a> has no quoted value"),
        ("<a b='1' b='2'/>", "doc.xml:1: invalid XML: attribute b twice in <a>"),
        ("<a/><b/>", "doc.xml:1: invalid XML: a second root element"),
        ("text<a/>", "doc.xml:1: invalid XML: text outside the root element"),
        ("", "doc.xml:1: invalid XML: no root element (is this an XML file?)"),
        ("<a>\n\n<!-- never closed", "doc.xml:3: invalid XML: the file ends inside a comment"),
        ("</a>", "doc.xml:1: invalid XML: </a> closes no open element"),
        ("<a><!foo></a>", "doc.xml:1: invalid XML: '<!' that starts no comment, CDATA section or DOCTYPE"),
    ] as [(String, String?)])
    func faultsAreOneLineWithTheLine(xml: String, message: String?) {
        #expect(Self.error(xml) == message)
    }

    @Test func invalidUTF8AndUTF16AreErrors() throws {
        for (bytes, message) in [([0x3C, 0x61, 0x3E, 0x0A, 0xC3, 0x28, 0x3C, 0x2F, 0x61, 0x3E] as [UInt8], "doc.xml:2: invalid XML: invalid UTF-8"),
                                 ([0xFF, 0xFE, 0x3C, 0x00], "doc.xml:1: invalid XML: UTF-16 is not read; convert the file to UTF-8 first (iconv -f UTF-16 -t UTF-8)")] {
            let path = NSTemporaryDirectory() + "xmlstream-\(UUID().uuidString).xml"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            var stream = XMLStream(fd: open(path, O_RDONLY), path: "doc.xml")
            defer { stream.close() }
            var got: String? = nil
            do { while try stream.next() != nil {} } catch { got = "\(error)" }
            #expect(got == message)
        }
    }
}
