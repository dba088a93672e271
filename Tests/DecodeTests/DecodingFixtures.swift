import Data
import IO
import Model
import ModelTestSupport
import Tensor

/// `TinyModel`'s shapes and teacher-forced references for the decoding tests.
extension TinyModel {
    static func configuration(targetVocabulary: Int = 6, layers: Int = 1, score: LuongAttention.Score = .general,
                              inputFeeding: Bool = true) -> Seq2SeqConfiguration {
        Seq2SeqConfiguration(sourceVocabularySize: 9, targetVocabularySize: targetVocabulary, embedding: 3, hidden: 4,
                             layers: layers, score: score, inputFeeding: inputFeeding)
    }

    /// A teacher-forcing batch: sentence b's source (reversed when `reverseSource`, padded on the
    /// left to the longest), `<go> y…` as decoder input, `y… <eos>` as labels weighted 1.
    static func teacherForcedBatch(sources: [[Int32]], targets: [[Int32]], reverseSource: Bool = true) -> Batch {
        let B = targets.count, S = sources.map(\.count).max() ?? 0, T = (targets.map(\.count).max() ?? 0) + 1
        var source = [Int32](repeating: 0, count: B * S), input = [Int32](repeating: 0, count: B * T)
        var labels = input, weights = [Float](repeating: 0, count: B * T)
        for b in 0..<B {
            let x = reverseSource ? Array(sources[b].reversed()) : sources[b]
            for (j, id) in x.enumerated() { source[b * S + S - x.count + j] = id }
            input[b * T] = Batch.go
            for (i, y) in targets[b].enumerated() { input[b * T + i + 1] = y; labels[b * T + i] = y }
            labels[b * T + targets[b].count] = Batch.eos
            for t in 0...targets[b].count { weights[b * T + t] = 1 }
        }
        return Batch(size: B, sourceLength: S, targetLength: T, source: source, decoderInput: input,
                     decoderTarget: labels, targetWeights: weights)
    }

    /// log P(y1 … yn <eos> | x) by the training-time forward pass (teacher forcing) and a
    /// log-softmax in Double: the reference the searches are checked against.
    func logProbabilities(source: [Int32], targets: [[Int32]], reverseSource: Bool = true) -> [Double] {
        let batch = Self.teacherForcedBatch(sources: Array(repeating: source, count: targets.count), targets: targets,
                                            reverseSource: reverseSource)
        let B = batch.size, T = batch.targetLength, labels = batch.decoderTarget
        let workspace = Workspace()
        defer { withExtendedLifetime(workspace) {} }
        let states = model.forward(batch, parameters: store, workspace: workspace).attentionalStates
        let W = store.value(model.outputWeight), bias = store.value(model.outputBias)
        let V = W.rows, H = W.columns
        return (0..<B).map { b in
            var total = 0.0
            for t in 0...targets[b].count {
                let h = states.row(b * T + t)
                var logits = [Double](repeating: 0, count: V)
                for v in 0..<V {
                    var sum = Double(bias[0, v])
                    for j in 0..<H { sum += Double(h[j]) * Double(W[v, j]) }
                    logits[v] = sum
                }
                let maximum = logits.max()!
                let normalizer = maximum + log(logits.reduce(0) { $0 + exp($1 - maximum) })
                total += logits[Int(labels[b * T + t])] - normalizer
            }
            return total
        }
    }
}

/// Random sources of ids 4 … 8 (the source vocabulary of `TinyModel`).
func randomSources(_ count: Int, lengths: ClosedRange<Int>, seed: UInt64) -> [[Int32]] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        let n = lengths.lowerBound + Int(random.next() % UInt64(lengths.count))
        return (0..<n).map { _ in Int32(4 + random.next() % 5) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
