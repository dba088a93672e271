import Foundation
import IO
import Testing
import Text
@testable import Data

/// `train.ids`: read back it gives the ids of the text files; stale it is passed over; damaged
/// it is one error naming it, never a crash.
@Suite struct MappedCorpusTests {
    /// A prepared fixture corpus (with a 30-token source vocabulary, so `<unk>` occurs).
    static func prepared() throws -> String {
        let out = PreparationStreamingTests.scratch()
        _ = try CorpusPreparation.run(source: .directory(PreparationStreamingTests.corpus), outputDirectory: out,
                                      options: PreparationStreamingTests.options(moses: false, chunkPairs: 16))
        return out
    }

    static func vocabularies(_ out: String) throws -> (Vocabulary, Vocabulary) {
        (try Vocabulary(contentsOf: out + "/vocab.en"), try Vocabulary(contentsOf: out + "/vocab.fr"))
    }

    static func load(_ out: String) throws -> ParallelCorpus? {
        let (source, target) = try vocabularies(out)
        return try MappedCorpus.load(out + "/train.ids", sourceText: out + "/train.en", targetText: out + "/train.fr",
                                     sourceVocabulary: source, targetVocabulary: target)
    }

    @Test func readBackEqualsTheTextFiles() throws {
        let out = try Self.prepared()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (source, target) = try Self.vocabularies(out)
        let text = try ParallelCorpus(sourcePath: out + "/train.en", targetPath: out + "/train.fr",
                                      sourceVocabulary: source, targetVocabulary: target)
        let mapped = try #require(try Self.load(out))
        #expect(mapped.sourceIDs.isMapped && mapped.targetEnds.isMapped)
        #expect(mapped.count == text.count && mapped.count == 87)
        #expect(Array(mapped.sourceIDs) == Array(text.sourceIDs))
        #expect(Array(mapped.targetIDs) == Array(text.targetIDs))
        #expect(Array(mapped.sourceEnds) == Array(text.sourceEnds))
        #expect(Array(mapped.targetEnds) == Array(text.targetEnds))
        #expect(mapped.sourceIDs.contains(Vocabulary.unkID))
        for i in 0..<text.count {
            #expect(mapped.sourceLength(i) == text.sourceLength(i) && mapped.targetRange(i) == text.targetRange(i))
        }
        let viaPrepared = try ParallelCorpus.prepared(directory: out, source: "en", target: "fr",
                                                      sourceVocabulary: source, targetVocabulary: target)
        #expect(viaPrepared.sourceIDs.isMapped)
    }

    /// Other vocabularies (a resumed model's) or changed text: nil, and `prepared` reads the text.
    @Test func staleFilesArePassedOver() throws {
        let out = try Self.prepared()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (source, target) = try Self.vocabularies(out)
        let other = Vocabulary(tokens: Array(source.tokens.prefix(source.count - 1)))
        #expect(try MappedCorpus.load(out + "/train.ids", sourceText: out + "/train.en", targetText: out + "/train.fr",
                                      sourceVocabulary: other, targetVocabulary: target) == nil)
        let fallback = try ParallelCorpus.prepared(directory: out, source: "en", target: "fr",
                                                   sourceVocabulary: other, targetVocabulary: target)
        #expect(!fallback.sourceIDs.isMapped && fallback.count == 87)
        try OutputFile.append(Array("one more\n".utf8), to: out + "/train.fr")
        #expect(try Self.load(out) == nil)
        #expect(try MappedCorpus.load(out + "/absent.ids", sourceText: out + "/train.en", targetText: out + "/train.fr",
                                      sourceVocabulary: source, targetVocabulary: target) == nil)
    }

    /// Every cut and a flipped byte in each section: a `MappedCorpusError` naming the file.
    @Test func damagedFilesAreOneErrorNamingThem() throws {
        let out = try Self.prepared()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let path = out + "/train.ids"
        let good = try FileSystem.readBytes(path)
        var damaged: [(String, [UInt8])] = []
        for cut in [0, 3, 8, 40, MappedCorpus.headerBytes, MappedCorpus.headerBytes + 2, good.count / 2, good.count - 8, good.count - 1] {
            damaged.append(("cut at \(cut)", Array(good[0..<cut])))
        }
        for offset in [0, 9, 20, MappedCorpus.headerBytes + 1, good.count / 2, good.count - 40, good.count - 20, good.count - 3] {
            var flipped = good
            flipped[offset] ^= 0x40
            damaged.append(("byte \(offset) flipped", flipped))
        }
        damaged.append(("grown", good + [0, 0, 0, 0, 0, 0, 0, 0]))
        for (what, bytes) in damaged {
            try OutputFile.write(bytes, to: path)
            do {
                _ = try Self.load(out)
                Issue.record("\(what): accepted")
            } catch let error as MappedCorpusError {
                #expect("\(error)".hasPrefix(path + ": "), "\(what): \(error)")
            }
        }
        try OutputFile.write(good, to: path)
        #expect(try Self.load(out) != nil)
    }
}
