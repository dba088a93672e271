import Testing
import Data
import IO
import Model
import Tensor
@testable import Decode
import ModelTestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SamplingSearchTests {
    /// The first step's logits z_j (bias included) for `source`, by the training-time forward
    /// pass (teacher forcing with an empty target) and a product in Double: a reference that does
    /// not go through `Seq2Seq.Inference`.
    static func firstStepLogits(_ tiny: TinyModel, source: [Int32]) -> [Double] {
        let batch = TinyModel.teacherForcedBatch(sources: [source], targets: [[]])
        let workspace = Workspace()
        defer { withExtendedLifetime(workspace) {} }
        let h = tiny.model.forward(batch, parameters: tiny.store, workspace: workspace).attentionalStates.row(0)
        let W = tiny.store.value(tiny.model.outputWeight), bias = tiny.store.value(tiny.model.outputBias)
        return (0..<W.rows).map { v in
            (0..<W.columns).reduce(Double(bias[0, v])) { $0 + Double(h[$1]) * Double(W[v, $1]) }
        }
    }

    /// Over 20,000 sentences (each its own generator) of one token at most, the first token's
    /// frequencies match softmax(z / T) over `<eos>` … V−1: Pearson's χ² with 5 categories
    /// (4 degrees of freedom) stays below 18.47, its 0.1 % critical value. The draws are seeded,
    /// so the test is deterministic; a sampler off by a token or ignoring T fails it by far.
    @Test(arguments: [1.0, 0.5, 2.0])
    func firstTokensFollowTheSoftmax(temperature: Double) {
        let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 7, layers: 2), seed: 3, eosBias: 0)
        let source: [Int32] = [4, 6, 5]
        let z = Self.firstStepLogits(tiny, source: source)
        let candidates = Array(Int(Batch.eos)..<z.count)
        let maximum = candidates.map { z[$0] }.max()!
        let weights = candidates.map { exp((z[$0] - maximum) / temperature) }
        let total = weights.reduce(0, +)
        let expected = weights.map { $0 / total }

        let draws = 20_000
        let search = SamplingSearch(model: tiny.model, parameters: tiny.store, batchSize: 500,
                                    sampling: Sampling(temperature: temperature, seed: 11))
        // Ratio 0.1: at most one token before <eos>, so each hypothesis is its first draw.
        let found = search.translate(Array(repeating: source, count: draws), keys: (0..<draws).map { UInt64($0) },
                                     options: SearchOptions(beam: 1, maxLengthRatio: 0.1))
        var counts = [Int](repeating: 0, count: candidates.count)
        for hypothesis in found {
            #expect(hypothesis.tokens.count <= 1)
            counts[hypothesis.tokens.first.map { Int($0) - Int(Batch.eos) } ?? 0] += 1
        }
        let chiSquare = zip(counts, expected).reduce(0.0) { sum, pair in
            let e = Double(draws) * pair.1
            return sum + (Double(pair.0) - e) * (Double(pair.0) - e) / e
        }
        #expect(chiSquare < 18.47, "T \(temperature): counts \(counts), expected \(expected.map { $0 * Double(draws) }), χ² \(chiSquare)")
        // Every token that can be drawn is drawn (the distribution is not degenerate here).
        #expect(counts.allSatisfy { $0 > 0 }, "\(counts)")
    }

    /// A tiny temperature gives greedy search's tokens, log-probabilities and scores; temperature
    /// 0 makes `Search` take greedy search itself.
    @Test func aTinyTemperatureIsGreedy() {
        let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 9, layers: 2), seed: 5, eosBias: -0.5)
        let sources = randomSources(12, lengths: 1...7, seed: 9)
        let options = SearchOptions(beam: 1, lengthPenalty: 1)
        let greedy = GreedySearch(model: tiny.model, parameters: tiny.store, batchSize: 4).translate(sources, options: options)
        let sampled = SamplingSearch(model: tiny.model, parameters: tiny.store, batchSize: 4,
                                     sampling: Sampling(temperature: 1e-4, seed: 3))
            .translate(sources, keys: sources.indices.map { UInt64($0) }, options: options)
        #expect(sampled.map(\.tokens) == greedy.map(\.tokens))
        for (s, g) in zip(sampled, greedy) { #expect(abs(s.logProbability - g.logProbability) < 1e-6) }
        guard case .greedy = Search(model: tiny.model, parameters: tiny.store, batchSize: 4, beam: 1,
                                    sampling: Sampling(temperature: 0, seed: 3)) else {
            Issue.record("temperature 0 did not take greedy search")
            return
        }
    }

    /// The same seed and keys give the same draws whatever the batch size and order; another seed
    /// gives other draws; each hypothesis' log-probability is its tokens' under the model.
    @Test func drawsDependOnSeedAndKeyOnly() {
        let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 9, layers: 2), seed: 5, eosBias: -0.5)
        let sources = randomSources(16, lengths: 1...7, seed: 4)
        let keys = sources.indices.map { Search.sentenceKey(line: $0, piece: 0) }
        let options = SearchOptions(beam: 1, lengthPenalty: 0)
        func sample(seed: UInt64, batchSize: Int, order: [Int]) -> [[Int32]] {
            let found = SamplingSearch(model: tiny.model, parameters: tiny.store, batchSize: batchSize,
                                       sampling: Sampling(temperature: 1, seed: seed))
                .translate(order.map { sources[$0] }, keys: order.map { keys[$0] }, options: options)
            var tokens = [[Int32]](repeating: [], count: sources.count)
            for (i, hypothesis) in zip(order, found) { tokens[i] = hypothesis.tokens }
            return tokens
        }
        let inOrder = Array(sources.indices)
        let reference = sample(seed: 1, batchSize: 16, order: inOrder)
        #expect(sample(seed: 1, batchSize: 1, order: inOrder) == reference)
        #expect(sample(seed: 1, batchSize: 5, order: inOrder.reversed()) == reference)
        #expect(sample(seed: 2, batchSize: 16, order: inOrder) != reference)
        let found = SamplingSearch(model: tiny.model, parameters: tiny.store, batchSize: 16, sampling: Sampling(temperature: 1, seed: 1))
            .translate(sources, keys: keys, options: options)
        for (source, hypothesis) in zip(sources, found) {
            let reference = tiny.logProbabilities(source: source, targets: [hypothesis.tokens])[0]
            #expect(abs(hypothesis.logProbability - reference) < 1e-4)
        }
    }
}
