import Model
import Tensor

/// Greedy search, beam search or sampling, as the options ask: what `nmt translate` and `nmt
/// bench translate` decode with. Beam 1 takes the greedy search (the same output, without the
/// beam's bookkeeping), and so does sampling at temperature 0 (its limit).
public enum Search {
    case greedy(GreedySearch)
    case beam(BeamSearch)
    case sample(SamplingSearch)

    /// - Parameters: batchSize: the most sentences decoded together; beam: K (1: greedy);
    ///   sampling: draw from the softmax instead (beam must then be 1).
    public init(model: Seq2Seq, parameters: ParameterStore, batchSize: Int, beam: Int, sampling: Sampling? = nil) {
        precondition(sampling == nil || beam == 1, "sampling with a beam of \(beam)")
        if let sampling, sampling.temperature > 0 {
            self = .sample(SamplingSearch(model: model, parameters: parameters, batchSize: batchSize, sampling: sampling))
            return
        }
        self = beam == 1 ? .greedy(GreedySearch(model: model, parameters: parameters, batchSize: batchSize))
                         : .beam(BeamSearch(model: model, parameters: parameters, batchSize: batchSize, beam: beam))
    }

    /// The best hypotheses of each source (one with greedy search and sampling, `options.nBest`
    /// with beam search), best first, in the given order.
    /// - Parameters:
    ///   - memberSources: with an ensemble (`join`), each other model's ids of the sources.
    ///   - keys: each source's `sentenceKey`, which seeds its draws when sampling (default: its
    ///     index in `sources`); the other searches ignore them.
    public func translate(_ sources: [[Int32]], memberSources: [[[Int32]]] = [], keys: [UInt64]? = nil,
                          options: SearchOptions) -> [[Hypothesis]] {
        switch self {
        case .greedy(let greedy): return greedy.translate(sources, memberSources: memberSources, options: options).map { [$0] }
        case .beam(let beam): return beam.translate(sources, memberSources: memberSources, options: options)
        case .sample(let sample):
            precondition(memberSources.isEmpty, "sampling from an ensemble")
            let keys = keys ?? sources.indices.map { Self.sentenceKey(line: $0, piece: 0) }
            return sample.translate(sources, keys: keys, options: options).map { [$0] }
        }
    }

    /// Decodes as an ensemble with `models` (models 2…M) from now on: the mean of the models'
    /// log-probabilities at each step (`Ensemble`). Sampling takes one model.
    public func join(_ models: [(model: Seq2Seq, parameters: ParameterStore, reverseSource: Bool)]) {
        switch self {
        case .greedy(let greedy): greedy.join(models)
        case .beam(let beam): beam.join(models)
        case .sample: preconditionFailure("sampling from an ensemble")
        }
    }

    /// What names a sentence for sampling: its input line (from 0) and which piece of the line it
    /// is (a long line is cut into pieces), so a sentence draws the same tokens in any batch.
    public static func sentenceKey(line: Int, piece: Int) -> UInt64 {
        UInt64(line) << 20 | UInt64(piece & 0xF_FFFF)
    }

    /// The order to decode sources in: longest first (ties: the first given), so that a batch's
    /// sentences end at about the same step. Results do not depend on it.
    /// - Parameter indices: which sources to order (default: all).
    public static func longestFirst(_ sources: [[Int32]], indices: [Int]? = nil) -> [Int] {
        (indices ?? Array(sources.indices)).sorted {
            sources[$0].count != sources[$1].count ? sources[$0].count > sources[$1].count : $0 < $1
        }
    }
}
