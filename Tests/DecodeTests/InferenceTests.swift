import Testing
import Data
import IO
@testable import Model
import Tensor
import ModelTestSupport

/// `Seq2Seq.Inference` one step at a time against the training-time forward pass.
@Suite struct InferenceTests {
    /// Teacher forcing through `step` and `select` (with rows in a shuffled order, so that the
    /// gather and each row's own source are exercised) gives the forward pass's h̃ at every step.
    /// Layer 0's embedding half is looked up from the table of embedding gates, or multiplied
    /// where the table would be too large (limit 0 here): both paths are checked.
    @Test(arguments: LuongAttention.Score.allCases, [1, 2])
    func stepsMatchTheForwardPass(score: LuongAttention.Score, layers: Int) {
        for inputFeeding in [true, false] { for gateLimit in [Seq2Seq.Inference.embeddingGateLimit, 0] {
            let tiny = TinyModel(TinyModel.configuration(targetVocabulary: 11, layers: layers, score: score, inputFeeding: inputFeeding),
                                 scale: 0.5, seed: 3)
            let worst = Self.largestDifferenceFromForward(tiny, gateLimit: gateLimit)
            print("Inference \(score) L=\(layers) inputFeeding=\(inputFeeding) gates=\(gateLimit > 0): largest difference from forward \(worst)")
            #expect(worst < 1e-5)
        } }
    }

    /// Teacher-forces four toy sentences through `step` and `select`, with rows in a fixed
    /// shuffled order (one sentence twice), and returns the largest difference between each
    /// step's h̃ and the training forward pass's; checks each row's sentence on the way.
    static func largestDifferenceFromForward(_ tiny: TinyModel, gateLimit: Int = Seq2Seq.Inference.embeddingGateLimit) -> Float {
        let sources: [[Int32]] = [[4, 5, 6, 7, 8, 4], [5, 7, 6], [8], [6, 6, 4, 5]]
        let targets: [[Int32]] = [[4, 5, 3], [6, 7, 8, 9, 10, 4], [3, 3, 3], [9, 9, 5, 4]]
        let batch = TinyModel.teacherForcedBatch(sources: sources, targets: targets)
        let B = batch.size, T = batch.targetLength, input = batch.decoderInput, weights = batch.targetWeights
        let workspace = Workspace()
        defer { withExtendedLifetime(workspace) {} }
        let expected = tiny.model.forward(batch, parameters: tiny.store, workspace: workspace).attentionalStates
        let inference = Seq2Seq.Inference(model: tiny.model, parameters: tiny.store, maximumRows: 8, embeddingGateLimit: gateLimit)
        #expect((inference.embeddingGates != nil) == (gateLimit > 0))
        inference.start(sources: sources)
        var worst: Float = 0
        let order: [Int32] = [2, 0, 3, 1, 2]
        var sentenceOfRow: [Int] = Array(0..<B)
        let H = tiny.model.configuration.hidden
        for t in 0..<T {
            let ids = sentenceOfRow.map { input[$0 * T + t] }
            ids.withUnsafeBufferPointer { inference.step(ids: $0) }
            for (r, b) in sentenceOfRow.enumerated() where weights[b * T + t] != 0 {
                let got = inference.attentionalStates.row(r), want = expected.row(b * T + t)
                for j in 0..<H { worst = max(worst, abs(got[j] - want[j])) }
                #expect(inference.rowSentence[r] == Int32(b))
            }
            let origins = t == 0 ? order : Array(0..<Int32(sentenceOfRow.count)).reversed()
            origins.withUnsafeBufferPointer { inference.select(origins: $0) }
            sentenceOfRow = origins.map { sentenceOfRow[Int($0)] }
        }
        return worst
    }

    /// Each row's alignment sums to 1 over its own sentence and is 0 on the padding.
    @Test func alignmentsCoverTheRowsSentence() {
        let tiny = TinyModel(TinyModel.configuration())
        let inference = Seq2Seq.Inference(model: tiny.model, parameters: tiny.store, maximumRows: 3)
        inference.start(sources: [[4, 5], [6, 7, 8, 4], [5]])
        [Int32](repeating: Batch.go, count: 3).withUnsafeBufferPointer { inference.step(ids: $0) }
        for r in 0..<3 {
            let n = inference.sourceLengths[r], a = inference.alignments.row(r)
            var sum: Float = 0
            for s in 0..<inference.sourceLength {
                if inference.sourceIndex(position: s, sentence: r) == nil { #expect(a[s] == 0) } else { sum += a[s] }
            }
            #expect(abs(sum - 1) < 1e-5, "row \(r) of \(n) tokens")
        }
        #expect(inference.sourceIndex(position: 3, sentence: 1) == 0)      // reversed: the last position reads x1
        #expect(inference.sourceIndex(position: 0, sentence: 1) == 3)
        #expect(inference.sourceIndex(position: 1, sentence: 0) == nil)
    }
}
