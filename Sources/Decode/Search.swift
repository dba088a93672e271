import Model
import Tensor

/// Greedy search or beam search, as the beam asks: what `nmt translate` and `nmt bench
/// translate` decode with. Beam 1 takes the greedy search (the same output, without the beam's
/// bookkeeping).
public enum Search {
    case greedy(GreedySearch)
    case beam(BeamSearch)

    /// - Parameters: batchSize: the most sentences decoded together; beam: K (1: greedy).
    public init(model: Seq2Seq, parameters: ParameterStore, batchSize: Int, beam: Int) {
        self = beam == 1 ? .greedy(GreedySearch(model: model, parameters: parameters, batchSize: batchSize))
                         : .beam(BeamSearch(model: model, parameters: parameters, batchSize: batchSize, beam: beam))
    }

    /// The best hypotheses of each source (one with greedy search, `options.nBest` with beam
    /// search), best first, in the given order.
    /// - Parameter memberSources: with an ensemble (`join`), each other model's ids of the sources.
    public func translate(_ sources: [[Int32]], memberSources: [[[Int32]]] = [], options: SearchOptions) -> [[Hypothesis]] {
        switch self {
        case .greedy(let greedy): return greedy.translate(sources, memberSources: memberSources, options: options).map { [$0] }
        case .beam(let beam): return beam.translate(sources, memberSources: memberSources, options: options)
        }
    }

    /// Decodes as an ensemble with `models` (models 2…M) from now on: the mean of the models'
    /// log-probabilities at each step (`Ensemble`).
    public func join(_ models: [(model: Seq2Seq, parameters: ParameterStore, reverseSource: Bool)]) {
        switch self {
        case .greedy(let greedy): greedy.join(models)
        case .beam(let beam): beam.join(models)
        }
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
