import Data
import Model
import Tensor

/// Greedy decoding of a whole batch at once: at each step every sentence still going takes its
/// most probable next token (`<pad>` and `<go>` excluded); a sentence stops at `<eos>` and leaves
/// the batch (its row drops out of the next step's GEMMs) while the others go on. After
/// T = `SearchOptions.maximumTokens` tokens, `<eos>` is the only choice left.
///
/// `nmt translate --beam 1` and training's dev BLEU (`Translator.translate(preparedSources:)`) decode with it;
/// one instance's buffers serve every batch.
public final class GreedySearch {
    public let inference: Seq2Seq.Inference
    /// The other models when decoding as an ensemble (`join`).
    public private(set) var ensemble: Ensemble?
    /// The most sentences of one batch.
    public let batchSize: Int
    /// The last step's scan: each row's best token and value, log Σ exp.
    var scanned: NextTokens { next }
    private let next: NextTokens
    private var origins: [Int32]
    private var ids: [Int32]
    private var nextIds: [Int32]

    /// - Parameter batchSize: the most sentences decoded together.
    public init(model: Seq2Seq, parameters: ParameterStore, batchSize: Int = 64) {
        precondition(batchSize >= 1, "batch size \(batchSize) below 1")
        precondition(model.configuration.targetVocabularySize > NextTokens.firstCandidate, "no output tokens")
        inference = Seq2Seq.Inference(model: model, parameters: parameters, maximumRows: batchSize)
        self.batchSize = batchSize
        next = NextTokens(rows: batchSize, k: 1)
        origins = [Int32](repeating: 0, count: batchSize)
        ids = origins
        nextIds = origins
    }

    /// The greedy translation of each source, decoded `batchSize` sentences at a time in the given
    /// order (sort sources by length first for speed; results do not depend on the batching).
    /// - Complexity: per step, the model's step over the sentences still going.
    /// - Parameter memberSources: with an ensemble, each other model's ids of the sources.
    public func translate(_ sources: [[Int32]], memberSources: [[[Int32]]] = [], options: SearchOptions) -> [Hypothesis] {
        decodeInBatches(sources, memberSources: memberSources, batchSize: batchSize, empty: .empty) {
            decode($0, memberSources: $1, options: options)
        }
    }

    /// Decodes as an ensemble with `models` from now on (`Ensemble`).
    public func join(_ models: [(model: Seq2Seq, parameters: ParameterStore, reverseSource: Bool)]) {
        ensemble = Ensemble(models: models, maximumRows: batchSize)
    }

    /// One batch of non-empty sources.
    private func decode(_ sources: [[Int32]], memberSources: [[[Int32]]], options: SearchOptions) -> [Hypothesis] {
        decode(sources, memberSources: memberSources, options: options) { row, _ in next.ids[row] }
    }

    /// The step loop of one batch, each row's next token picked by `choose` (the argmax here;
    /// `SamplingSearch` draws): every sentence still going takes one token per step and leaves
    /// the batch at `<eos>`, forced after T tokens. Log-probabilities are the model's.
    /// - Parameter choose: the token of row `row` of sentence `sentence` (in the batch), after
    ///   the step's scan (`scanned`).
    func decode(_ sources: [[Int32]], memberSources: [[[Int32]]] = [], options: SearchOptions,
                choose: (_ row: Int, _ sentence: Int) -> Int32) -> [Hypothesis] {
        let B = sources.count
        inference.start(sources: sources, reverseSource: options.reverseSource)
        ensemble?.start(memberSources)
        let maximumTokens = sources.map { options.maximumTokens(sourceLength: $0.count) }
        var tokens = maximumTokens.map { n -> [Int32] in var a = [Int32](); a.reserveCapacity(n); return a }
        var attended = maximumTokens.map { n -> [Int] in var a = [Int](); a.reserveCapacity(n); return a }
        var alignments = [[Float]](repeating: [], count: B)
        if options.keepAlignments {
            for b in 0..<B { alignments[b].reserveCapacity((maximumTokens[b] + 1) * sources[b].count) }
        }
        var logProbability = [Double](repeating: 0, count: B)
        for r in 0..<B { ids[r] = Batch.go }
        var t = 0
        while inference.rowCount > 0 {
            let N = inference.rowCount
            ids.withUnsafeBufferPointer {
                inference.step(ids: UnsafeBufferPointer(rebasing: $0[0..<N]))
                ensemble?.step(ids: UnsafeBufferPointer(rebasing: $0[0..<N]))
            }
            next.scan(inference, ensemble: ensemble)
            var kept = 0
            for r in 0..<N {
                let b = Int(inference.rowSentence[r])
                let token = t == maximumTokens[b] ? Batch.eos : choose(r, b)
                logProbability[b] += Double(next.logProbability(of: token, row: r))
                if options.keepAlignments { inference.appendAlignment(row: r, to: &alignments[b]) }
                if token == Batch.eos { continue }
                tokens[b].append(token)
                attended[b].append(inference.attendedSource(row: r))
                origins[kept] = Int32(r)
                nextIds[kept] = token
                kept += 1
            }
            origins.withUnsafeBufferPointer {
                inference.select(origins: UnsafeBufferPointer(rebasing: $0[0..<kept]))
                ensemble?.select(origins: UnsafeBufferPointer(rebasing: $0[0..<kept]))
            }
            swap(&ids, &nextIds)
            t += 1
        }
        return (0..<B).map { b in
            Hypothesis(tokens: tokens[b], logProbability: logProbability[b],
                       score: options.lengthPenalty.score(logProbability: logProbability[b], length: tokens[b].count + 1),
                       attendedSource: attended[b], alignments: alignments[b])
        }
    }
}
