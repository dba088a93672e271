import Data
import Model
import Tensor

/// Beam search over a batch of sentences, K hypotheses per sentence, every open hypothesis of
/// every sentence advanced by one model step (one GEMM per layer and one for the logits over all
/// rows).
///
/// At each step, a sentence's candidates are its open hypotheses extended by every token (full
/// softmax; `<pad>` and `<go>` excluded), ranked by log-probability (all open hypotheses have
/// the same length, so this is also the order of their length-penalized scores). Walking down
/// the ranking, as fairseq does: an `<eos>` among the best K finishes its hypothesis, which is set
/// aside with score log P / lp(|Y|) (`LengthPenalty`); the best K others stay open. After T =
/// `SearchOptions.maximumTokens` tokens, `<eos>` is the only choice left. A sentence is done, and
/// leaves the batch, when
/// - it has K finished hypotheses (so K = 1 is exactly greedy search), or
/// - no open hypothesis can beat the best finished one (early stop: with α ≥ 0 an open hypothesis
///   of log-probability p ends at best with p / lp(T + 1)), or
/// - it reached T + 1 steps.
/// The best `nBest` finished hypotheses are returned, best first.
///
/// Only the best K + 1 tokens of each row can be among a sentence's choices (at most one of them
/// is `<eos>`), so the logits are read once by `NextTokens` and never sorted.
public final class BeamSearch {
    public let inference: Seq2Seq.Inference
    /// K.
    public let beam: Int
    /// The most sentences of one batch.
    public let batchSize: Int
    private let next: NextTokens

    /// A candidate: an open hypothesis (its row) extended by a token.
    private struct Candidate {
        var logProbability: Double
        var logit: Float
        var row: Int32
        var token: Int32

        /// The ranking: log-probability, then the row, the logit and the token id, so that ties
        /// are broken the same way every time (and, with one row, as greedy's argmax breaks them).
        @inline(__always) static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
            if a.logProbability != b.logProbability { return a.logProbability > b.logProbability }
            if a.row != b.row { return a.row < b.row }
            return a.logit != b.logit ? a.logit > b.logit : a.token < b.token
        }
    }

    /// A hypothesis set aside at its `<eos>`.
    private struct Finished {
        var score: Double
        var logProbability: Double
        var entry: Int32               // the history entry of its `<eos>`
    }

    // Per step (sized once).
    private var candidates: [Candidate]
    private var origins: [Int32]
    private var ids: [Int32], nextIds: [Int32]
    private var rowLogProbability: [Double], nextLogProbability: [Double]
    private var rowEntry: [Int32], nextEntry: [Int32]

    // The tokens chosen so far, as a tree of back-pointers (one entry per token chosen).
    private var entryToken: [Int32] = []
    private var entryParent: [Int32] = []
    private var entryAttended: [Int32] = []
    private var entryAlignment: [Int32] = []
    private var alignmentHistory: [Float] = []

    /// - Parameters: batchSize: the most sentences decoded together; beam: K.
    public init(model: Seq2Seq, parameters: ParameterStore, batchSize: Int = 64, beam: Int) {
        precondition(batchSize >= 1 && beam >= 1, "batch size and beam must be at least 1")
        let outputs = model.configuration.targetVocabularySize - NextTokens.firstCandidate
        precondition(outputs >= 1, "no output tokens")
        let N = batchSize * beam
        inference = Seq2Seq.Inference(model: model, parameters: parameters, maximumRows: N)
        self.beam = beam
        self.batchSize = batchSize
        let k = min(beam + 1, outputs)
        next = NextTokens(rows: N, k: k)
        candidates = [Candidate](repeating: Candidate(logProbability: 0, logit: 0, row: 0, token: 0), count: beam * k)
        origins = [Int32](repeating: 0, count: N)
        ids = origins
        nextIds = origins
        rowLogProbability = [Double](repeating: 0, count: N)
        nextLogProbability = rowLogProbability
        rowEntry = origins
        nextEntry = origins
    }

    /// The `nBest` best hypotheses of each source, decoded `batchSize` sentences at a time in the
    /// given order (sort sources by length first for speed; results do not depend on the batching).
    /// An empty source gets one empty hypothesis.
    /// - Complexity: per step, the model's step over ≤ K rows per sentence still going, and
    ///   O(K² log K) per sentence to rank its candidates.
    public func translate(_ sources: [[Int32]], options: SearchOptions) -> [[Hypothesis]] {
        precondition(options.beam == beam, "options for beam \(options.beam) given to a beam of \(beam)")
        return decodeInBatches(sources, batchSize: batchSize, empty: [.empty]) { decode($0, options: options) }
    }

    /// One batch of non-empty sources.
    private func decode(_ sources: [[Int32]], options: SearchOptions) -> [[Hypothesis]] {
        let B = sources.count, K = beam, k = next.k
        let penalty = options.lengthPenalty
        inference.start(sources: sources, reverseSource: options.reverseSource)
        let maximumTokens = sources.map { options.maximumTokens(sourceLength: $0.count) }
        var finished = [[Finished]](repeating: [], count: B)
        for b in 0..<B { finished[b].reserveCapacity(2 * K) }
        var bestFinished = [Double](repeating: -.infinity, count: B)
        var rowStart = Array(0..<B), rowCount = [Int](repeating: 1, count: B)
        var done = [Bool](repeating: false, count: B)
        let steps = (maximumTokens.max() ?? 0) + 1
        entryToken.removeAll(keepingCapacity: true)
        entryParent.removeAll(keepingCapacity: true)
        entryAttended.removeAll(keepingCapacity: true)
        entryAlignment.removeAll(keepingCapacity: true)
        alignmentHistory.removeAll(keepingCapacity: true)
        let entries = B * K * 2 * steps
        entryToken.reserveCapacity(entries)
        entryParent.reserveCapacity(entries)
        entryAttended.reserveCapacity(entries)
        entryAlignment.reserveCapacity(entries)
        if options.keepAlignments { alignmentHistory.reserveCapacity(entries * inference.sourceLength) }
        for r in 0..<B {
            ids[r] = Batch.go
            rowLogProbability[r] = 0
            rowEntry[r] = -1
        }

        /// Records the token `token` chosen from row `row`; returns its entry.
        func record(_ token: Int32, row: Int) -> Int32 {
            let entry = Int32(entryToken.count)
            entryToken.append(token)
            entryParent.append(rowEntry[row])
            entryAttended.append(Int32(inference.attendedSource(row: row)))
            if options.keepAlignments {
                entryAlignment.append(Int32(alignmentHistory.count))
                inference.appendAlignment(row: row, to: &alignmentHistory)
            } else {
                entryAlignment.append(-1)
            }
            return entry
        }
        func finish(_ b: Int, logProbability: Double, length: Int, entry: Int32) {
            let score = penalty.score(logProbability: logProbability, length: length)
            finished[b].append(Finished(score: score, logProbability: logProbability, entry: entry))
            bestFinished[b] = max(bestFinished[b], score)
        }

        var t = 0
        while inference.rowCount > 0 {
            let N = inference.rowCount
            ids.withUnsafeBufferPointer { inference.step(ids: UnsafeBufferPointer(rebasing: $0[0..<N])) }
            next.scan(inference)
            var kept = 0
            for b in 0..<B where !done[b] {
                let first = rowStart[b], count = rowCount[b]
                if t == maximumTokens[b] {            // T tokens: <eos> is the only choice
                    for r in first..<(first + count) {
                        let p = rowLogProbability[r] + Double(next.logProbability(of: Batch.eos, row: r, in: inference))
                        finish(b, logProbability: p, length: t + 1, entry: record(Batch.eos, row: r))
                    }
                    done[b] = true
                    continue
                }
                // The sentence's candidates, ranked.
                var m = 0
                for r in first..<(first + count) {
                    let base = rowLogProbability[r], normalizer = next.logSumExp[r]
                    for i in 0..<k {
                        let logit = next.values[r * k + i]
                        candidates[m] = Candidate(logProbability: base + Double(logit - normalizer), logit: logit,
                                                  row: Int32(r), token: next.ids[r * k + i])
                        m += 1
                    }
                }
                rank(m)
                // Walk down the ranking: <eos> in the best K finishes; the best K others stay open.
                let keptBefore = kept
                var open = 0
                for i in 0..<m {
                    if open == K && i >= K { break }
                    let candidate = candidates[i], row = Int(candidate.row)
                    if candidate.token == Batch.eos {
                        if i < K { finish(b, logProbability: candidate.logProbability, length: t + 1, entry: record(Batch.eos, row: row)) }
                        continue
                    }
                    guard open < K else { continue }
                    origins[kept] = candidate.row
                    nextIds[kept] = candidate.token
                    nextLogProbability[kept] = candidate.logProbability
                    nextEntry[kept] = record(candidate.token, row: row)
                    kept += 1
                    open += 1
                }
                // Done: K finished, nothing open, or nothing open can beat the best finished.
                var isDone = finished[b].count >= K || open == 0
                if !isDone && !finished[b].isEmpty {
                    isDone = (keptBefore..<kept).allSatisfy {
                        penalty.bound(logProbability: nextLogProbability[$0], maximumLength: maximumTokens[b] + 1) <= bestFinished[b]
                    }
                }
                if isDone {
                    done[b] = true
                    kept = keptBefore
                } else {
                    rowStart[b] = keptBefore
                    rowCount[b] = open
                }
            }
            origins.withUnsafeBufferPointer { inference.select(origins: UnsafeBufferPointer(rebasing: $0[0..<kept])) }
            swap(&ids, &nextIds)
            swap(&rowLogProbability, &nextLogProbability)
            swap(&rowEntry, &nextEntry)
            t += 1
        }

        return (0..<B).map { b in
            let ranked = finished[b].enumerated().sorted {
                $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset
            }
            return ranked.prefix(options.nBest).map { hypothesis(ending: $0.element, sourceLength: sources[b].count) }
        }
    }

    /// Sorts candidates[0..<m] by `Candidate.precedes` (insertion sort: m ≤ K·(K + 1) is small).
    private func rank(_ m: Int) {
        if m > 64 {
            candidates[0..<m].sort(by: Candidate.precedes)
            return
        }
        candidates.withUnsafeMutableBufferPointer { c in
            for i in 1..<max(m, 1) {
                let x = c[i]
                var j = i
                while j > 0 && Candidate.precedes(x, c[j - 1]) {
                    c[j] = c[j - 1]
                    j -= 1
                }
                c[j] = x
            }
        }
    }

    /// The tokens of a finished hypothesis, read back from its `<eos>` entry.
    private func hypothesis(ending end: Finished, sourceLength: Int) -> Hypothesis {
        var path = [Int]()
        var entry = Int(end.entry)
        while entry >= 0 {
            path.append(entry)
            entry = Int(entryParent[entry])
        }
        path.reverse()
        let tokens = path.dropLast().map { entryToken[$0] }
        var alignments = [Float]()
        if entryAlignment[Int(end.entry)] >= 0 {
            alignments.reserveCapacity(path.count * sourceLength)
            for e in path {
                let start = Int(entryAlignment[e])
                alignments.append(contentsOf: alignmentHistory[start..<(start + sourceLength)])
            }
        }
        return Hypothesis(tokens: tokens, logProbability: end.logProbability, score: end.score,
                          attendedSource: path.dropLast().map { Int(entryAttended[$0]) }, alignments: alignments)
    }
}
