#if canImport(Glibc)
import Glibc
#endif
import IO
import Text

/// `train.ids`: the prepared training pairs as token ids, written by `nmt prepare` and
/// memory-mapped by `nmt train`, so that a corpus of any size costs no parse at start-up and the
/// ranks of a training on one machine share one copy of it through the page cache.
///
/// Layout (little-endian; the header is 8-byte words, so every section stays aligned):
/// ```
/// header   magic "nmt-ids\0", version, pairs, source and target vocabulary sizes,
///          vocabulary fingerprint, source and target text sizes, header checksum   [9 × 8 bytes]
/// ids      source ids [sourceTokens × Int32], target ids [targetTokens × Int32], padding to 8
/// ends     source ends [pairs × Int64], target ends [pairs × Int64]  (one past each sentence)
/// trailer  sourceTokens, targetTokens, body checksum                                  [3 × 8 bytes]
/// ```
/// The ids come before the ends and the token counts sit in the trailer because the writer learns
/// them only as it goes (`MappedCorpusWriter`). The fingerprint (FNV-1a over both vocabulary
/// files' contents) and the two text sizes tell a stale file (the vocabularies or
/// `train.{src,tgt}` changed since) from a current one; the body checksum (FNV-1a, one unit an id
/// or an end) tells a damaged one.
public enum MappedCorpus {
    public static let fileName = "train.ids"
    static let magic: [UInt8] = Array("nmt-ids\0".utf8)
    static let version: UInt64 = 1
    static let headerWords = 9
    static let headerBytes = headerWords * 8
    static let trailerBytes = 3 * 8

    /// What the header records about the files the ids were made from.
    struct Header: Equatable {
        var pairs: Int
        var sourceVocabularySize: Int
        var targetVocabularySize: Int
        var vocabularyFingerprint: UInt64
        var sourceTextBytes: Int
        var targetTextBytes: Int

        /// The header's bytes, its checksum last.
        var bytes: [UInt8] {
            var words: [UInt64] = [UInt64(pairs), UInt64(sourceVocabularySize), UInt64(targetVocabularySize),
                                   vocabularyFingerprint, UInt64(sourceTextBytes), UInt64(targetTextBytes)]
            var out = MappedCorpus.magic
            words.insert(MappedCorpus.version, at: 0)
            for word in words { withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) } }
            let checksum = FNV1a.of(out)
            withUnsafeBytes(of: checksum.littleEndian) { out.append(contentsOf: $0) }
            return out
        }
    }

    /// FNV-1a over both vocabulary files' contents, source first.
    static func fingerprint(_ source: Vocabulary, _ target: Vocabulary) -> UInt64 {
        var hash = FNV1a()
        hash.add(source.fileContents())
        hash.add(Array("\u{0}".utf8))
        hash.add(target.fileContents())
        return hash.value
    }

    /// The size of a file, nil when it cannot be read.
    static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// The training pairs of a prepared directory, mapped from `train.ids` when it is there and
    /// current for these vocabularies and text files; nil when it is absent or stale (the
    /// caller reads the text files instead).
    /// - Throws: `MappedCorpusError` for a damaged file (truncated, foreign, a bad checksum, ids
    ///   outside the vocabulary), `FileError` when it cannot be mapped.
    /// - Complexity: O(tokens) to check every id and end once.
    public static func load(_ path: String, sourceText: String, targetText: String,
                            sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) throws -> ParallelCorpus? {
        guard FileSystem.exists(path) else { return nil }
        let file = try MappedFile(path)
        let bytes = file.bytes
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        func damaged(_ reason: String) -> MappedCorpusError { .damaged(path: path, reason: reason) }

        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw damaged("not a train.ids file (no nmt-ids header)")
        }
        guard bytes.count >= headerBytes + trailerBytes else { throw damaged("truncated (\(bytes.count) bytes)") }
        guard word(8) == version else { throw damaged("format version \(word(8)), this nmt reads version \(version)") }
        let fields = (2..<8).map { Int(truncatingIfNeeded: word($0 * 8)) }
        let header = Header(pairs: fields[0], sourceVocabularySize: fields[1], targetVocabularySize: fields[2],
                            vocabularyFingerprint: word(5 * 8), sourceTextBytes: fields[4], targetTextBytes: fields[5])
        guard fields.enumerated().allSatisfy({ $0.offset == 3 || $0.element >= 0 }), header.bytes == Array(bytes[0..<headerBytes]) else {
            throw damaged("header checksum mismatch")
        }
        // Stale: made for other vocabularies or other text; the text files are the truth.
        if header.vocabularyFingerprint != fingerprint(sourceVocabulary, targetVocabulary)
            || header.sourceVocabularySize != sourceVocabulary.count || header.targetVocabularySize != targetVocabulary.count
            || size(sourceText) != header.sourceTextBytes || size(targetText) != header.targetTextBytes {
            return nil
        }
        let trailer = bytes.count - trailerBytes
        let (sourceTokens, targetTokens) = (Int(truncatingIfNeeded: word(trailer)), Int(truncatingIfNeeded: word(trailer + 8)))
        let pairs = header.pairs
        let limit = bytes.count / 4
        guard sourceTokens >= 0, targetTokens >= 0, sourceTokens <= limit, targetTokens <= limit, pairs <= limit else {
            throw damaged("truncated or damaged (token counts \(sourceTokens), \(targetTokens) do not fit its \(bytes.count) bytes)")
        }
        let idsEnd = headerBytes + 4 * (sourceTokens + targetTokens)
        let endsStart = (idsEnd + 7) / 8 * 8
        let expected = endsStart + 16 * pairs + trailerBytes
        guard expected == bytes.count else {
            throw damaged("truncated or damaged (\(bytes.count) bytes where its counts give \(expected))")
        }
        let corpus = ParallelCorpus(
            sourceIDs: CorpusColumn(mapping: file, offset: headerBytes, count: sourceTokens),
            targetIDs: CorpusColumn(mapping: file, offset: headerBytes + 4 * sourceTokens, count: targetTokens),
            sourceEnds: CorpusColumn(mapping: file, offset: endsStart, count: pairs),
            targetEnds: CorpusColumn(mapping: file, offset: endsStart + 8 * pairs, count: pairs))
        // One pass over everything: the checksum, ids inside their vocabulary, ends that never go
        // back and end at the token counts (what `Buckets` and `Batch` index by).
        var hash = FNV1a()
        for (column, vocabularySize, side) in [(corpus.sourceIDs, sourceVocabulary.count, "source"),
                                               (corpus.targetIDs, targetVocabulary.count, "target")] {
            var outside = -1
            for i in 0..<column.count {
                let id = column[i]
                hash.add(unit: UInt64(UInt32(bitPattern: id)))
                if outside < 0 && (id < 0 || Int(id) >= vocabularySize) { outside = i }
            }
            if outside >= 0 { throw damaged("\(side) id \(column[outside]) at \(outside) is outside the vocabulary of \(vocabularySize)") }
        }
        for (ends, total, side) in [(corpus.sourceEnds, sourceTokens, "source"), (corpus.targetEnds, targetTokens, "target")] {
            var previous: Int64 = 0
            var backwards = -1
            for i in 0..<ends.count {
                let end = ends[i]
                hash.add(unit: UInt64(bitPattern: end))
                if backwards < 0 && (end < previous || end > Int64(total)) { backwards = i }
                previous = end
            }
            if backwards >= 0 || (ends.count > 0 && Int(ends[ends.count - 1]) != total) || (ends.count == 0 && total != 0) {
                throw damaged("\(side) sentence ends out of order at pair \(max(backwards, 0) + 1)")
            }
        }
        guard hash.value == word(trailer + 16) else { throw damaged("checksum mismatch") }
        return corpus
    }
}

/// A `train.ids` that cannot be used.
public enum MappedCorpusError: UserError, Equatable {
    case damaged(path: String, reason: String)

    public var description: String {
        switch self {
        case .damaged(let path, let reason):
            return "\(path): \(reason); remove it (training then reads the text files) or run nmt prepare --force"
        }
    }
}

extension ParallelCorpus {
    /// The training pairs of a prepared directory (`DIR/train.{source,target}`): mapped from
    /// `DIR/train.ids` when it is current for these vocabularies, else read from the text files.
    /// - Throws: `MappedCorpusError` for a damaged `train.ids`; as `init(sourcePath:…)` for the text.
    public static func prepared(directory: String, source: String, target: String,
                                sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) throws -> ParallelCorpus {
        let (sourcePath, targetPath) = ("\(directory)/train.\(source)", "\(directory)/train.\(target)")
        if let mapped = try MappedCorpus.load("\(directory)/\(MappedCorpus.fileName)", sourceText: sourcePath, targetText: targetPath,
                                              sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary) {
            return mapped
        }
        return try ParallelCorpus(sourcePath: sourcePath, targetPath: targetPath,
                                  sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary)
    }
}
