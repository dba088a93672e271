import Foundation
import IO
import Testing
import Text
@testable import Data

/// `nmt prepare --corpus` streams train in chunks; its output must be, byte for byte, what
/// preparing the corpus whole gave: `Tests/Fixtures/prepare/expected*` were made by the nmt
/// before streaming (`make_expected.sh`), and the whole-corpus path stays as the oracle.
@Suite struct PreparationStreamingTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/prepare").path
    static let corpus = fixtures + "/corpus"

    /// The options `make_expected.sh` gives for `expected/` and `expected-moses/`.
    static func options(moses: Bool, chunkPairs: Int) -> PrepareOptions {
        var options = PrepareOptions()
        options.maxLength = 12
        options.quiet = true
        options.threads = 2
        options.chunkPairs = chunkPairs
        if moses {
            options.tokenizer = .moses
            options.lowercase = true
        } else {
            options.bpeMerges = 40
            options.sourceVocabularySize = 30
        }
        return options
    }

    static func scratch() -> String {
        let path = NSTemporaryDirectory() + "nmt-stream-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test(arguments: [false, true], [1, 3, 64, 1 << 16])
    func sameBytesAsBeforeStreaming(moses: Bool, chunkPairs: Int) throws {
        let out = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let expected = Self.fixtures + (moses ? "/expected-moses" : "/expected")
        let outcome = try CorpusPreparation.run(source: .directory(Self.corpus), outputDirectory: out,
                                                options: Self.options(moses: moses, chunkPairs: chunkPairs))
        #expect(!outcome.reused)
        // Every file the old prepare wrote is there, the same; train.ids is the one new file.
        #expect(try Self.files(out) == (try Self.files(expected) + [MappedCorpus.fileName]).sorted())
        for name in try Self.files(expected) {
            let same = try FileSystem.readBytes(out + "/" + name) == FileSystem.readBytes(expected + "/" + name)
            #expect(same, "\(name) differs (chunks of \(chunkPairs) pairs)")
        }
        // The bound held: no pass took more pairs than a chunk.
        #expect(outcome.largestChunk > 0 && outcome.largestChunk <= chunkPairs)
    }

    /// The streamed result equals the whole-corpus oracle, train.ids included, and a second run
    /// reuses it.
    @Test func sameAsTheWholeCorpusOracle() throws {
        let (streamed, whole) = (Self.scratch(), Self.scratch())
        defer { for path in [streamed, whole] { try? FileManager.default.removeItem(atPath: path) } }
        let options = Self.options(moses: false, chunkPairs: 7)
        _ = try CorpusPreparation.run(source: .directory(Self.corpus), outputDirectory: streamed, options: options)
        let oracle = try CorpusPreparation.run(source: .directory(Self.corpus), outputDirectory: whole, options: options, whole: true)
        #expect(oracle.largestChunk == 0)
        #expect(try Self.files(streamed) == Self.files(whole))
        for name in try Self.files(whole) {
            #expect(try FileSystem.readBytes(streamed + "/" + name) == FileSystem.readBytes(whole + "/" + name), "\(name) differs")
        }
        #expect(try CorpusPreparation.run(source: .directory(Self.corpus), outputDirectory: streamed, options: options).reused)
    }

    /// The checks of a whole read, with the same messages: a line count mismatch (found while
    /// streaming, before anything is written) and invalid UTF-8 naming its line.
    @Test func badInputIsTheSameErrorAndWritesNothing() throws {
        let input = Self.scratch(), out = Self.scratch() + "/out"
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: out) }
        try Array("a b\nc d\ne f\n".utf8).write(to: input + "/train.en")
        try Array("x y\nz w\n".utf8).write(to: input + "/train.fr")
        var options = PrepareOptions()
        options.quiet = true
        options.chunkPairs = 1
        #expect(throws: PrepareError.lineCountMismatch(source: input + "/train.en", sourceLines: 3, target: input + "/train.fr", targetLines: 2)) {
            try CorpusPreparation.run(source: .directory(input), outputDirectory: out, options: options)
        }
        #expect(!FileSystem.exists(out))
        try ([0x61, 0x0A, 0x62, 0xFF, 0x0A, 0x63, 0x0A] as [UInt8]).write(to: input + "/train.fr")
        #expect(throws: FileError.invalidUTF8(path: input + "/train.fr", line: 2)) {
            try CorpusPreparation.run(source: .directory(input), outputDirectory: out, options: options)
        }
        #expect(!FileSystem.exists(out))
    }
}

extension Array where Element == UInt8 {
    func write(to path: String) throws { try OutputFile.write(self, to: path) }
}
