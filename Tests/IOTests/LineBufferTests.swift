import Testing
@testable import IO

@Suite struct LineBufferTests {
    @Test func splitsOnNewlinesAndDropsCarriageReturnsAndBOM() {
        let raw: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a b\r\n\r\nc\nlast".utf8)
        let lines = LineBuffer(contents: raw)
        #expect(lines.strings == ["a b", "", "c", "last"])
    }

    @Test func emptyFileHasNoLinesAndTrailingNewlineAddsNone() {
        #expect(LineBuffer(contents: []).count == 0)
        #expect(LineBuffer(contents: Array("x\n".utf8)).strings == ["x"])
        #expect(LineBuffer(contents: Array("\n".utf8)).strings == [""])
    }

    @Test func fileContentsRoundTrip() {
        let lines = LineBuffer(lines: ["one", "", "three"])
        #expect(lines.fileContents() == Array("one\n\nthree\n".utf8))
    }

    @Test func utf8RepairReplacesMaximalSubparts() {
        // Lone continuation byte, truncated 3-byte sequence, overlong encoding, surrogate.
        let bad: [UInt8] = [0x61, 0x80, 0x62, 0xE2, 0x82, 0x63, 0xC0, 0xAF, 0xED, 0xA0, 0x80]
        var out = [UInt8]()
        let replaced = bad.withUnsafeBufferPointer { UTF8Repair.repair($0, into: &out) }
        #expect(replaced)
        // Swift's own decoder follows the same Unicode practice: compare with it.
        #expect(String(decoding: out, as: UTF8.self) == String(decoding: bad, as: UTF8.self))
        #expect(bad.withUnsafeBufferPointer { UTF8Repair.isValid($0) } == false)
        #expect(out.withUnsafeBufferPointer { UTF8Repair.isValid($0) })
    }
}
