import Foundation
import Testing
import Data
import Tensor
@testable import Model
import ModelTestSupport

@Suite struct OverfitTests {
    /// A tiny model learns 20 toy pairs (the target is the source reversed, each id shifted) by
    /// heart: the loss per target token falls from log(Vt) ≈ 2.6 to near 0. Adam as the peer runs
    /// it (Keras' update), kept local to the test so that Model needs no optimiser.
    @Test func tinyModelLearnsTwentyPairs() {
        let (first, last) = Self.learn(layers: 1)
        print("Overfit: loss per target token \(first) → \(last) after 300 Adam steps")
        #expect(first > 2)
        #expect(last < 0.02)
    }

    /// The loss per target token at the first and the 300th Adam step of a tiny model (E = H = 16)
    /// learning the 20 toy pairs.
    static func learn(layers: Int, encoder: EncoderKind = .uni, residual: Bool = false) -> (first: Double, last: Double) {
        var random = TestRandom(seed: 3)
        var sources = [[Int32]](), targets = [[Int32]]()
        for _ in 0..<20 {
            let source = (0..<random.integer(2..<7)).map { _ in Int32(random.integer(4..<12)) }
            sources.append(source)
            targets.append(source.reversed().map { ($0 - 4 + 3) % 8 + 4 })
        }
        let batch = makeBatch(sources: sources, targets: targets)
        let configuration = Seq2SeqConfiguration(sourceVocabularySize: 12, targetVocabularySize: 12, embedding: 16, hidden: 16,
                                                 layers: layers, score: .general, inputFeeding: true, encoder: encoder, residual: residual)
        let tiny = TinyModel(configuration, scale: 0.1)
        let tokens = Double(batch.targetWeights.reduce(0, +)) / Double(batch.size)
        let count = tiny.store.count
        var m = [Float](repeating: 0, count: count), v = m
        let learningRate: Float = 0.02, beta1: Float = 0.9, beta2: Float = 0.999
        var first = 0.0, last = 0.0
        for step in 1...300 {
            let loss = tiny.step(batch) / tokens
            if step == 1 { first = loss }
            last = loss
            let alpha = learningRate * sqrt(1 - pow(beta2, Float(step))) / (1 - pow(beta1, Float(step)))
            let w = tiny.store.values.pointer, g = tiny.store.gradients.pointer
            for i in 0..<count {
                m[i] += (g[i] - m[i]) * (1 - beta1)
                v[i] += (g[i] * g[i] - v[i]) * (1 - beta2)
                w[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7)
            }
        }
        return (first, last)
    }
}
