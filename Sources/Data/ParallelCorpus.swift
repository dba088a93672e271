import IO
import Text

/// Prepared parallel text as token ids: pair `i` is `source[i]` → `target[i]`.
///
/// Ids are stored back to back in two flat columns (one allocation per side, not one per sentence),
/// with `sourceEnds`/`targetEnds` marking where each sentence ends, as in `LineBuffer`. The columns
/// are arrays, or views into a memory-mapped `train.ids` (`MappedCorpus`).
public struct ParallelCorpus: Sendable {
    public private(set) var sourceIDs = CorpusColumn<Int32>()
    public private(set) var targetIDs = CorpusColumn<Int32>()
    public private(set) var sourceEnds = CorpusColumn<Int64>()
    public private(set) var targetEnds = CorpusColumn<Int64>()

    public init() {}

    /// A corpus over columns already checked (`MappedCorpus`).
    init(sourceIDs: CorpusColumn<Int32>, targetIDs: CorpusColumn<Int32>,
         sourceEnds: CorpusColumn<Int64>, targetEnds: CorpusColumn<Int64>) {
        (self.sourceIDs, self.targetIDs, self.sourceEnds, self.targetEnds) = (sourceIDs, targetIDs, sourceEnds, targetEnds)
    }

    public var count: Int { sourceEnds.count }

    public func sourceRange(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(sourceEnds[i - 1]))..<Int(sourceEnds[i]) }
    public func targetRange(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(targetEnds[i - 1]))..<Int(targetEnds[i]) }
    public func sourceLength(_ i: Int) -> Int { sourceRange(i).count }
    public func targetLength(_ i: Int) -> Int { targetRange(i).count }

    public mutating func append(source: [Int32], target: [Int32]) {
        sourceIDs.append(contentsOf: source)
        targetIDs.append(contentsOf: target)
        sourceEnds.append(Int64(sourceIDs.count))
        targetEnds.append(Int64(targetIDs.count))
    }

    /// Reads two prepared token files (tokens separated by spaces) and maps tokens to ids.
    /// - Throws: `FileError` for unreadable files or invalid UTF-8, `PrepareError.lineCountMismatch`.
    public init(sourcePath: String, targetPath: String, sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) throws {
        let sides = try CorpusPreparation.readPair(sourcePath, targetPath)
        self.init()
        sourceIDs.reserveCapacity(sides[0].bytes.count / 4)
        targetIDs.reserveCapacity(sides[1].bytes.count / 4)
        for i in 0..<sides[0].count {
            append(source: Self.ids(sides[0], i, sourceVocabulary), target: Self.ids(sides[1], i, targetVocabulary))
        }
    }

    /// The ids of line `i`'s space-separated tokens (unknown tokens → `<unk>`).
    static func ids(_ lines: LineBuffer, _ i: Int, _ vocabulary: Vocabulary) -> [Int32] {
        lines[i].split(separator: " ").map { vocabulary.id(String($0)) }
    }
}
