import IO
import Text

/// Writes `train.ids` (the layout is in `MappedCorpus`) from chunks of prepared text, in one pass:
/// source ids go straight to the output, target ids and both sides' ends to scratch files that
/// `finish` appends, so memory holds one chunk whatever the corpus size.
final class MappedCorpusWriter {
    private let output: OutputFile
    private let header: MappedCorpus.Header
    private let sourceVocabulary: Vocabulary
    private let targetVocabulary: Vocabulary
    private let targetIDs: ScratchFile
    private let sourceEnds: ScratchFile
    private let targetEnds: ScratchFile
    private var tokens = (source: 0, target: 0)
    private var pairs = 0
    /// The body checksum is over ids then ends, the file's order; the three later sections are
    /// hashed on their own and folded in by `finish` as they are copied.
    private var sourceHash = FNV1a()

    /// Opens `directory/train.ids` (under a temporary name until committed).
    init(directory: String, pairs: Int, sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary,
         sourceTextBytes: Int, targetTextBytes: Int) throws {
        header = MappedCorpus.Header(pairs: pairs, sourceVocabularySize: sourceVocabulary.count,
                                     targetVocabularySize: targetVocabulary.count,
                                     vocabularyFingerprint: MappedCorpus.fingerprint(sourceVocabulary, targetVocabulary),
                                     sourceTextBytes: sourceTextBytes, targetTextBytes: targetTextBytes)
        (self.sourceVocabulary, self.targetVocabulary) = (sourceVocabulary, targetVocabulary)
        output = try OutputFile(directory + "/" + MappedCorpus.fileName)
        targetIDs = try ScratchFile(directory: directory, name: "train.ids.target")
        sourceEnds = try ScratchFile(directory: directory, name: "train.ids.source-ends")
        targetEnds = try ScratchFile(directory: directory, name: "train.ids.target-ends")
        try output.write(header.bytes)
    }

    /// Adds the next pairs: line `i` of `source` with line `i` of `target`, tokens as
    /// `ParallelCorpus(sourcePath:…)` reads them.
    func add(source: LineBuffer, target: LineBuffer) throws {
        precondition(source.count == target.count)
        var ids: [Int32] = [], ends: [Int64] = []
        for (lines, vocabulary, isSource) in [(source, sourceVocabulary, true), (target, targetVocabulary, false)] {
            ids.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            var total = isSource ? tokens.source : tokens.target
            for i in 0..<lines.count {
                ids += ParallelCorpus.ids(lines, i, vocabulary)
                ends.append(Int64(total + ids.count))
            }
            total += ids.count
            if isSource {
                for id in ids { sourceHash.add(unit: UInt64(UInt32(bitPattern: id))) }
                try ids.withUnsafeBytes { try output.write($0) }
                try sourceEnds.write(ends)
                tokens.source = total
            } else {
                try targetIDs.write(ids)
                try targetEnds.write(ends)
                tokens.target = total
            }
        }
        pairs += source.count
    }

    /// Appends the scratch sections and the trailer and closes the output, ready to commit.
    func finish() throws -> OutputFile {
        precondition(pairs == header.pairs, "train.ids: \(pairs) pairs written, \(header.pairs) announced")
        var hash = sourceHash
        try copy(targetIDs, hash: &hash, as: Int32.self)
        if (tokens.source + tokens.target) % 2 == 1 { try output.write([0, 0, 0, 0]) }
        try copy(sourceEnds, hash: &hash, as: Int64.self)
        try copy(targetEnds, hash: &hash, as: Int64.self)
        var trailer: [UInt8] = []
        for word in [UInt64(tokens.source), UInt64(tokens.target), hash.value] {
            withUnsafeBytes(of: word.littleEndian) { trailer.append(contentsOf: $0) }
        }
        try output.write(trailer)
        try output.close()
        return output
    }

    /// Copies `scratch` to the output, hashing each element (its bits, zero-extended) as a unit.
    private func copy<T: FixedWidthInteger>(_ scratch: ScratchFile, hash: inout FNV1a, as: T.Type) throws {
        let size = MemoryLayout<T>.size
        try scratch.forEachBlock { block in
            try output.write(block)
            for offset in stride(from: 0, to: block.count, by: size) {
                hash.add(unit: UInt64(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: offset, as: T.Magnitude.self)))
            }
        }
    }
}
