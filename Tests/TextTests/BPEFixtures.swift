#if canImport(Glibc)
import Glibc
#endif
import IO
@testable import Text

/// The reference files of `Tests/Fixtures/bpe/`, written by subword-nmt 0.3.8 (see make_fixtures.py).
enum BPEFixtures {
    static let directory: String = {
        let file = "\(#filePath)"
        return String(file[..<file.lastIndex(of: "/")!]) + "/../Fixtures/bpe"
    }()

    static func path(_ name: String) -> String { "\(directory)/\(name)" }

    static func lines(_ name: String) throws -> LineBuffer { try FileSystem.readLines(path(name)) }

    static func bytes(_ name: String) throws -> [UInt8] { try FileSystem.readBytes(path(name)) }

    /// Segments every line of `input` with `bpe`'s fast path, as a file (`\n` after each line).
    static func apply(_ bpe: BPE, to input: LineBuffer) -> [UInt8] {
        var cache = BPE.Cache()
        var output: [UInt8] = []
        input.bytes.withUnsafeBufferPointer { all in
            for index in 0..<input.count {
                bpe.apply(UnsafeBufferPointer(rebasing: all[input.range(index)]), cache: &cache, into: &output)
                output.append(UInt8(ascii: "\n"))
            }
        }
        return output
    }

    /// nil when equal, else the first line that differs ("line 12: got … expected …").
    static func firstDifference(_ got: [UInt8], _ expected: [UInt8]) -> String? {
        if got == expected { return nil }
        let gotLines = LineBuffer(contents: got).strings
        let expectedLines = LineBuffer(contents: expected).strings
        for index in 0..<max(gotLines.count, expectedLines.count) {
            let a = index < gotLines.count ? gotLines[index] : "<none>"
            let b = index < expectedLines.count ? expectedLines[index] : "<none>"
            if a != b { return "line \(index + 1): got \(a.debugDescription), expected \(b.debugDescription)" }
        }
        return "same lines, different bytes (line ends?)"
    }
}
