import Model

/// Beam search's hypotheses: the open ones of the step being taken, one per decoder row (the
/// rows of a sentence together), those the search keeps for the next step, and every token
/// chosen so far as a tree of back-pointers, from which a finished hypothesis is read back.
/// Sized once; a step allocates nothing.
struct HypothesisTable {
    /// An open hypothesis: its last token, log P so far, and its entry in the tree.
    struct Open {
        var token: Int32
        var logProbability: Double
        var entry: Int32
    }

    /// One chosen token: its parent entry (−1 at the first token), the source position it
    /// attended to most, and where its a_t starts in `alignments` (−1: not kept).
    struct Entry {
        var token: Int32
        var parent: Int32
        var attended: Int32
        var alignment: Int32
    }

    /// The open hypotheses of this step, by decoder row.
    private(set) var rows: [Open]
    /// The hypotheses kept for the next step, and the row of this step each continues.
    private(set) var kept: [Open]
    private(set) var origins: [Int32]
    private(set) var keptCount = 0
    /// The tokens of the rows, as the model reads them.
    private(set) var tokens: [Int32]
    private(set) var entries: [Entry] = []
    private(set) var alignments: [Float] = []

    init(rows: Int) {
        let open = Open(token: 0, logProbability: 0, entry: -1)
        self.rows = [Open](repeating: open, count: rows)
        kept = self.rows
        origins = [Int32](repeating: 0, count: rows)
        tokens = origins
    }

    /// A new batch: one row per sentence, each an empty hypothesis about to read `<go>`.
    /// - Parameter steps: the most steps, to reserve the tree once.
    mutating func start(sentences: Int, go: Int32, steps: Int, beam: Int, sourceLength: Int, keepAlignments: Bool) {
        for r in 0..<sentences {
            rows[r] = Open(token: go, logProbability: 0, entry: -1)
            tokens[r] = go
        }
        keptCount = 0
        entries.removeAll(keepingCapacity: true)
        alignments.removeAll(keepingCapacity: true)
        let capacity = sentences * beam * 2 * steps
        entries.reserveCapacity(capacity)
        if keepAlignments { alignments.reserveCapacity(capacity * sourceLength) }
    }

    /// Records `token` chosen from row `row` of the step just taken; returns its entry.
    mutating func record(_ token: Int32, row: Int, inference: Seq2Seq.Inference, keepAlignments: Bool) -> Int32 {
        let entry = Int32(entries.count)
        var alignment: Int32 = -1
        if keepAlignments {
            alignment = Int32(alignments.count)
            inference.appendAlignment(row: row, to: &alignments)
        }
        entries.append(Entry(token: token, parent: rows[row].entry, attended: Int32(inference.attendedSource(row: row)),
                             alignment: alignment))
        return entry
    }

    /// Keeps the hypothesis of row `row` extended by `token` for the next step.
    mutating func keep(row: Int, token: Int32, logProbability: Double, entry: Int32) {
        kept[keptCount] = Open(token: token, logProbability: logProbability, entry: entry)
        origins[keptCount] = Int32(row)
        keptCount += 1
    }

    /// Forgets what was kept since `count` (a sentence that turned out done).
    mutating func dropKept(after count: Int) { keptCount = count }

    /// The kept hypotheses become the next step's rows.
    mutating func advance() {
        swap(&rows, &kept)
        for r in 0..<keptCount { tokens[r] = rows[r].token }
        keptCount = 0
    }

    /// The tokens of the hypothesis whose last entry (its `<eos>`) is `end`, without the `<eos>`,
    /// with what each attended to and, where kept, every a_t [(n + 1) × sourceLength].
    func path(ending end: Int32, sourceLength: Int) -> (tokens: [Int32], attended: [Int], alignments: [Float]) {
        var path = [Int]()
        var entry = Int(end)
        while entry >= 0 {
            path.append(entry)
            entry = Int(entries[entry].parent)
        }
        path.reverse()
        var alignments = [Float]()
        if entries[Int(end)].alignment >= 0 {
            alignments.reserveCapacity(path.count * sourceLength)
            for e in path {
                let start = Int(entries[e].alignment)
                alignments.append(contentsOf: self.alignments[start..<(start + sourceLength)])
            }
        }
        let words = path.dropLast()
        return (words.map { entries[$0].token }, words.map { Int(entries[$0].attended) }, alignments)
    }
}
