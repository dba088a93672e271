import IO

/// The word statistics `BPELearner` learns from, gathered a chunk of lines at a time, so that a
/// corpus larger than memory needs only its distinct words (word → count) in memory.
///
/// `BPELearner.learn(from: files)` reads its files as if concatenated and breaks ties between
/// equally frequent words by first appearance. A stream interleaves the chunks of the files, so
/// each file keeps its own table here and `merged` puts them back in concatenated order: the
/// words of file 0 in their first-seen order, then the new words of file 1 in theirs, and so on.
public struct BPEWordCounts {
    private var tables: [ByteStringTable]
    private var counts: [[Int]]

    /// - Parameter files: how many files (sides) the lines come from.
    public init(files: Int) {
        tables = (0..<files).map { _ in ByteStringTable(capacity: 1 << 14) }
        counts = Array(repeating: [], count: files)
    }

    /// Counts the words of `lines`, the next lines of file `file`.
    /// - Complexity: O(bytes of `lines`) expected.
    public mutating func add(_ lines: LineBuffer, file: Int) {
        lines.bytes.withUnsafeBufferPointer { all in
            for index in 0..<lines.count {
                BPELearner.forEachWord(in: UnsafeBufferPointer(rebasing: all[lines.range(index)])) { word in
                    let (id, inserted) = tables[file].intern(word)
                    if inserted { counts[file].append(1) } else { counts[file][id] += 1 }
                }
            }
        }
    }

    /// Distinct words held (a word in several files counts once per file).
    public var distinctWords: Int { tables.reduce(0) { $0 + $1.count } }

    /// The words of all files and their summed counts, in first-seen order of the concatenation.
    func merged() -> (words: ByteStringTable, counts: [Int]) {
        guard var words = tables.first, var total = counts.first else { return (ByteStringTable(), []) }
        for (table, tableCounts) in zip(tables, counts).dropFirst() {
            for id in 0..<table.count {
                table.withString(id) { word in
                    let (merged, inserted) = words.intern(word)
                    if inserted { total.append(tableCounts[id]) } else { total[merged] += tableCounts[id] }
                }
            }
        }
        return (words, total)
    }
}

extension BPELearner {
    /// Learns as `learn(from:merges:)` does, from word statistics gathered beforehand: the same
    /// merges as `learn(from: files)` on the files whose lines went into `counts`.
    public static func learn(from counts: BPEWordCounts, merges: Int, minFrequency: Int = 2,
                             progress: ((Int) -> Void)? = nil) -> BPECodes {
        var state = State(vocabulary: counts.merged())
        return state.learn(merges: merges, minFrequency: minFrequency, progress: progress)
    }
}
