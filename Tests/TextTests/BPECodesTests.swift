import Testing
import IO
import TestSupport
@testable import Text

@Suite struct BPECodesTests {
    /// One scratch directory per test (Swift Testing makes an instance per test), removed after it.
    let scratch = try! TemporaryDirectory()

    /// A file of `contents` in the scratch directory, for the error cases.
    func file(_ name: String, _ contents: [UInt8]) throws -> String {
        try scratch.write(name, contents)
    }

    @Test func readsAndWritesSubwordNMTFiles() throws {
        let codes = try BPECodes(contentsOf: BPEFixtures.path("sample.codes"))
        #expect(codes.version == .v0_2)
        #expect(codes.merges.count == 3000)
        #expect(codes.fileContents() == (try BPEFixtures.bytes("sample.codes")))
        let tiny = try BPECodes(contentsOf: BPEFixtures.path("v01.codes"))
        #expect(tiny.fileContents() == (try BPEFixtures.bytes("v01.codes")))
    }

    @Test func versionHeadersAsSubwordNMTReadsThem() throws {
        let trailingZeros = try file("zeros.codes", Array("#version: 0.2.0\na b\r\n\n\n".utf8))
        let codes = try BPECodes(contentsOf: trailingZeros)
        #expect(codes.version == .v0_2)
        #expect(codes.merges.map { "\($0.left)+\($0.right)" } == ["a+b"])
        let old = try file("old.codes", Array("#version: 0.1\na </w>\n".utf8))
        #expect(try BPECodes(contentsOf: old).version == .v0_1)
        let headerOnly = try file("empty.codes", Array("#version: 0.2\n".utf8))
        #expect(try BPECodes(contentsOf: headerOnly).merges.isEmpty)
    }

    @Test(arguments: ["#version: 0.3\na b\n", "#version:\na b\n", "# a comment\na b\n", "#version: x.2\n"])
    func unsupportedHeaderNamesFileAndLine(contents: String) throws {
        let path = try file("header.codes", Array(contents.utf8))
        do {
            _ = try BPECodes(contentsOf: path)
            Issue.record("accepted \(contents.debugDescription)")
        } catch let error as BPECodesError {
            #expect("\(error)".hasPrefix("\(path):1: unsupported BPE codes header"))
        }
    }

    /// subword-nmt: "invalid line N in BPE codes file", N counting the header as line 1.
    @Test(arguments: [("#version: 0.2\na b\nab\n", 3, 1), ("#version: 0.2\na b c\n", 2, 3),
                      ("a b\nx  y\n", 2, 3), ("#version: 0.2\na b\n\nc d\n", 3, 1)])
    func malformedLineNamesFileAndLine(contents: String, line: Int, units: Int) throws {
        let path = try file("malformed.codes", Array(contents.utf8))
        #expect(throws: BPECodesError.malformedLine(path: path, line: line, units: units)) {
            _ = try BPECodes(contentsOf: path)
        }
        let description = "\(BPECodesError.malformedLine(path: path, line: line, units: units))"
        #expect(description.hasPrefix("\(path):\(line): "))
    }

    @Test func invalidUTF8NamesTheLine() throws {
        let path = try file("utf8.codes", Array("#version: 0.2\na b\n".utf8) + [0x61, 0x20, 0xFF, 0x0A])
        #expect(throws: FileError.invalidUTF8(path: path, line: 3)) { _ = try BPECodes(contentsOf: path) }
    }

    @Test func missingFileIsAFileError() {
        #expect(throws: FileError.notFound(path: "/nonexistent/x.codes")) {
            _ = try BPECodes(contentsOf: "/nonexistent/x.codes")
        }
    }
}
