#if canImport(Glibc)
import Glibc
#endif
import Data
import IO
import Model
import Tensor

/// What a sampling search draws with: the temperature T of softmax(logits / T) and the seed.
public struct Sampling: Sendable, Equatable {
    /// T > 0 (T = 0 is greedy search, which `Search` takes instead).
    public var temperature: Double
    public var seed: UInt64

    public init(temperature: Double, seed: UInt64) {
        precondition(temperature >= 0 && temperature.isFinite, "temperature \(temperature) must be 0 or positive")
        self.temperature = temperature
        self.seed = seed
    }

    /// The generator of one sentence, a function of the seed and the sentence's key only (its
    /// line, `Search.sentenceKey`), so a draw does not depend on the batch it was decoded in.
    public func generator(key: UInt64) -> SplitMix64 {
        // Two SplitMix64 finalizer rounds: nearby (seed, key) pairs start far apart.
        var seeded = SplitMix64(seed: seed)
        var keyed = SplitMix64(seed: seeded.next() ^ key)
        return SplitMix64(seed: keyed.next())
    }
}

/// Sampling (tensorflow/nmt's `infer_mode=sample`), the third strategy beside greedy and beam
/// search: at each step every sentence still going draws its next token from
/// softmax(logits / T) over the outputs (`<pad>` and `<go>` excluded, as in greedy search).
/// For back-translation: varied outputs rather than the mode. A sentence stops at `<eos>`; after
/// T = `SearchOptions.maximumTokens` tokens `<eos>` is forced. The hypothesis' log-probability
/// is the model's (temperature 1), as greedy search reports it.
///
/// Each sentence draws from its own generator (`Sampling.generator(key:)`), so the output is
/// the same whatever the batch size and order.
public final class SamplingSearch {
    /// Greedy search's step loop, which draws instead of taking the argmax.
    private let greedy: GreedySearch
    public var inference: Seq2Seq.Inference { greedy.inference }
    public var batchSize: Int { greedy.batchSize }
    public let sampling: Sampling
    /// exp((z_j − max z) / T) of one row, j from `<eos>` on.
    private var weights: [Float]

    public init(model: Seq2Seq, parameters: ParameterStore, batchSize: Int = 64, sampling: Sampling) {
        precondition(sampling.temperature > 0, "sampling at temperature 0 is greedy search")
        greedy = GreedySearch(model: model, parameters: parameters, batchSize: batchSize)
        self.sampling = sampling
        weights = [Float](repeating: 0, count: model.configuration.targetVocabularySize)
    }

    /// A sampled translation of each source, decoded `batchSize` at a time in the given order.
    /// - Parameter keys: each source's key (`Search.sentenceKey`): what seeds its generator.
    public func translate(_ sources: [[Int32]], keys: [UInt64], options: SearchOptions) -> [Hypothesis] {
        precondition(keys.count == sources.count, "\(keys.count) keys for \(sources.count) sources")
        let keyed = sources.indices.map { (sources[$0], keys[$0]) }
        var results = [Hypothesis](repeating: .empty, count: sources.count)
        let nonEmpty = sources.indices.filter { !sources[$0].isEmpty }
        for start in stride(from: 0, to: nonEmpty.count, by: batchSize) {
            let members = Array(nonEmpty[start..<min(start + batchSize, nonEmpty.count)])
            var generators = members.map { sampling.generator(key: keyed[$0].1) }
            let found = greedy.decode(members.map { keyed[$0].0 }, options: options) { row, b in
                draw(row: row, maximum: greedy.scanned.values[row], generator: &generators[b])
            }
            for (i, result) in zip(members, found) { results[i] = result }
        }
        return results
    }

    /// One token of row `row` drawn from softmax(z / T), z = logits + bias over `<eos>` … V−1;
    /// `maximum` is max z (the scan's best), subtracted so that no exp overflows.
    private func draw(row: Int, maximum: Float, generator: inout SplitMix64) -> Int32 {
        let z = inference.logits.row(row), bias = inference.outputBias.base
        let V = inference.logits.columns, first = NextTokens.firstCandidate
        let inverse = Float(1 / sampling.temperature)
        var total = 0.0
        for j in first..<V {
            let w = expf((z[j] + bias[j] - maximum) * inverse)
            weights[j] = w
            total += Double(w)
        }
        // u uniform in [0, total): the first token whose cumulative weight passes u.
        let u = Double(generator.next() >> 11) * 0x1p-53 * total
        var cumulative = 0.0
        var last = first
        for j in first..<V where weights[j] > 0 {
            cumulative += Double(weights[j])
            last = j
            if cumulative > u { return Int32(j) }
        }
        return Int32(last)   // rounding left u at the very end
    }
}
