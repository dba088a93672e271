import Data
import Model
import Tensor

/// Beam search over a batch of sentences, K hypotheses per sentence, every open hypothesis of
/// every sentence advanced by one model step (one GEMM per layer and one for the logits over all
/// rows).
///
/// At each step, a sentence's expansions are its open hypotheses extended by every token (full
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
/// Only the best K + 1 tokens of each row can be among a sentence's expansions (at most one of
/// them is `<eos>`), so the logits are read once by `NextTokens` and never sorted.
///
/// A step (`decode`) is: the model's step on every open row, then per sentence still going
/// either `finishAll` (its last step) or `expand` → `rank` → `choose` → `isDone`, then the kept
/// rows go on (`HypothesisTable.advance`, `Seq2Seq.Inference.select`).
public final class BeamSearch {
    public let inference: Seq2Seq.Inference
    /// The other models when decoding as an ensemble (`join`).
    public private(set) var ensemble: Ensemble?
    /// K.
    public let beam: Int
    /// The most sentences of one batch.
    public let batchSize: Int
    private let next: NextTokens
    private var table: HypothesisTable
    /// One sentence's expansions of the step, ranked in place.
    private var expansions: [Expansion]
    private var sentences: [SentenceBeam] = []

    /// An open hypothesis (its row) extended by a token.
    private struct Expansion {
        var logProbability: Double
        var logit: Float
        var row: Int32
        var token: Int32

        /// The ranking: log-probability, then the row, the logit and the token id, so that ties
        /// are broken the same way every time (and, with one row, as greedy's argmax breaks them).
        @inline(__always) static func precedes(_ a: Expansion, _ b: Expansion) -> Bool {
            if a.logProbability != b.logProbability { return a.logProbability > b.logProbability }
            if a.row != b.row { return a.row < b.row }
            return a.logit != b.logit ? a.logit > b.logit : a.token < b.token
        }
    }

    /// A hypothesis set aside at its `<eos>`.
    private struct Finished {
        var score: Double
        var logProbability: Double
        var entry: Int32               // the table entry of its `<eos>`
    }

    /// One sentence of the batch: its open rows (`rows`, contiguous), what finished, and T.
    private struct SentenceBeam {
        var rows: Range<Int>
        var maximumTokens: Int
        var finished: [Finished] = []
        var bestFinished = -Double.infinity
        var done = false
    }

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
        table = HypothesisTable(rows: N)
        expansions = [Expansion](repeating: Expansion(logProbability: 0, logit: 0, row: 0, token: 0), count: beam * k)
    }

    /// The `nBest` best hypotheses of each source, decoded `batchSize` sentences at a time in the
    /// given order (sort sources by length first for speed; results do not depend on the batching).
    /// An empty source gets one empty hypothesis.
    /// - Complexity: per step, the model's step over ≤ K rows per sentence still going, and
    ///   O(K² log K) per sentence to rank its expansions.
    /// - Parameter memberSources: with an ensemble, each other model's ids of the sources.
    public func translate(_ sources: [[Int32]], memberSources: [[[Int32]]] = [], options: SearchOptions) -> [[Hypothesis]] {
        precondition(options.beam == beam, "options for beam \(options.beam) given to a beam of \(beam)")
        return decodeInBatches(sources, memberSources: memberSources, batchSize: batchSize, empty: [.empty]) {
            decode($0, memberSources: $1, options: options)
        }
    }

    /// Decodes as an ensemble with `models` from now on (`Ensemble`).
    public func join(_ models: [(model: Seq2Seq, parameters: ParameterStore, reverseSource: Bool)]) {
        ensemble = Ensemble(models: models, maximumRows: batchSize * beam)
    }

    /// One batch of non-empty sources.
    private func decode(_ sources: [[Int32]], memberSources: [[[Int32]]], options: SearchOptions) -> [[Hypothesis]] {
        inference.start(sources: sources, reverseSource: options.reverseSource)
        ensemble?.start(memberSources)
        sentences = sources.indices.map { b in
            var sentence = SentenceBeam(rows: b..<(b + 1), maximumTokens: options.maximumTokens(sourceLength: sources[b].count))
            sentence.finished.reserveCapacity(2 * beam)
            return sentence
        }
        let steps = (sentences.map(\.maximumTokens).max() ?? 0) + 1
        table.start(sentences: sources.count, go: Batch.go, steps: steps, beam: beam, sourceLength: inference.sourceLength,
                    keepAlignments: options.keepAlignments)
        var t = 0
        while inference.rowCount > 0 {
            let N = inference.rowCount
            table.tokens.withUnsafeBufferPointer {
                inference.step(ids: UnsafeBufferPointer(rebasing: $0[0..<N]))
                ensemble?.step(ids: UnsafeBufferPointer(rebasing: $0[0..<N]))
            }
            next.scan(inference, ensemble: ensemble)
            for b in sentences.indices where !sentences[b].done {
                if t == sentences[b].maximumTokens {
                    finishAll(b, length: t + 1, options: options)
                    continue
                }
                let keptBefore = table.keptCount
                let m = expand(b)
                rank(m)
                let open = choose(b, from: m, length: t + 1, options: options)
                if isDone(b, open: open, keptSince: keptBefore, penalty: options.lengthPenalty) {
                    sentences[b].done = true
                    table.dropKept(after: keptBefore)
                } else {
                    sentences[b].rows = keptBefore..<(keptBefore + open)
                }
            }
            table.origins.withUnsafeBufferPointer {
                inference.select(origins: UnsafeBufferPointer(rebasing: $0[0..<table.keptCount]))
                ensemble?.select(origins: UnsafeBufferPointer(rebasing: $0[0..<table.keptCount]))
            }
            table.advance()
            t += 1
        }
        return sources.indices.map { b in best(of: b, nBest: options.nBest, sourceLength: sources[b].count) }
    }

    /// The sentence's last step (T tokens): `<eos>` is the only choice, every open hypothesis ends.
    private func finishAll(_ b: Int, length: Int, options: SearchOptions) {
        for r in sentences[b].rows {
            let p = table.rows[r].logProbability + Double(next.logProbability(of: Batch.eos, row: r))
            finish(b, logProbability: p, length: length, entry: record(Batch.eos, row: r, options: options), options: options)
        }
        sentences[b].done = true
    }

    /// Fills `expansions` with every open hypothesis of sentence `b` extended by each of its
    /// row's k best tokens; returns how many.
    private func expand(_ b: Int) -> Int {
        let k = next.k
        var m = 0
        for r in sentences[b].rows {
            let base = table.rows[r].logProbability, normalizer = next.logSumExp[r]
            for i in 0..<k {
                let logit = next.values[r * k + i]
                expansions[m] = Expansion(logProbability: base + Double(logit - normalizer), logit: logit, row: Int32(r),
                                          token: next.ids[r * k + i])
                m += 1
            }
        }
        return m
    }

    /// Walks down the ranked expansions: an `<eos>` among the best K finishes its hypothesis; the
    /// best K others stay open (kept in the table). Returns how many stay open.
    private func choose(_ b: Int, from m: Int, length: Int, options: SearchOptions) -> Int {
        let K = beam
        var open = 0
        for i in 0..<m {
            if open == K && i >= K { break }
            let expansion = expansions[i], row = Int(expansion.row)
            if expansion.token == Batch.eos {
                if i < K {
                    finish(b, logProbability: expansion.logProbability, length: length,
                           entry: record(Batch.eos, row: row, options: options), options: options)
                }
                continue
            }
            guard open < K else { continue }
            table.keep(row: row, token: expansion.token, logProbability: expansion.logProbability,
                       entry: record(expansion.token, row: row, options: options))
            open += 1
        }
        return open
    }

    /// Done: K finished, nothing open, or no open hypothesis (those kept since `keptSince`) can
    /// beat the best finished one.
    private func isDone(_ b: Int, open: Int, keptSince first: Int, penalty: LengthPenalty) -> Bool {
        let sentence = sentences[b]
        if sentence.finished.count >= beam || open == 0 { return true }
        if sentence.finished.isEmpty { return false }
        return (first..<table.keptCount).allSatisfy {
            penalty.bound(logProbability: table.kept[$0].logProbability, maximumLength: sentence.maximumTokens + 1)
                <= sentence.bestFinished
        }
    }

    private func record(_ token: Int32, row: Int, options: SearchOptions) -> Int32 {
        table.record(token, row: row, inference: inference, keepAlignments: options.keepAlignments)
    }

    private func finish(_ b: Int, logProbability: Double, length: Int, entry: Int32, options: SearchOptions) {
        let score = options.lengthPenalty.score(logProbability: logProbability, length: length)
        sentences[b].finished.append(Finished(score: score, logProbability: logProbability, entry: entry))
        sentences[b].bestFinished = max(sentences[b].bestFinished, score)
    }

    /// Sorts expansions[0..<m] by `Expansion.precedes` (insertion sort: m ≤ K·(K + 1) is small).
    private func rank(_ m: Int) {
        if m > 64 {
            expansions[0..<m].sort(by: Expansion.precedes)
            return
        }
        expansions.withUnsafeMutableBufferPointer { c in
            for i in 1..<max(m, 1) {
                let x = c[i]
                var j = i
                while j > 0 && Expansion.precedes(x, c[j - 1]) {
                    c[j] = c[j - 1]
                    j -= 1
                }
                c[j] = x
            }
        }
    }

    /// The `nBest` best finished hypotheses of sentence `b`, best first (ties: the first finished).
    private func best(of b: Int, nBest: Int, sourceLength: Int) -> [Hypothesis] {
        let ranked = sentences[b].finished.enumerated().sorted {
            $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset
        }
        return ranked.prefix(nBest).map { finished in
            let path = table.path(ending: finished.element.entry, sourceLength: sourceLength)
            return Hypothesis(tokens: path.tokens, logProbability: finished.element.logProbability, score: finished.element.score,
                              attendedSource: path.attended, alignments: path.alignments)
        }
    }
}
