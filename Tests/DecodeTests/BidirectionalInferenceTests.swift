import Testing
import Data
import IO
@testable import Model
import Tensor
import ModelTestSupport

/// Decoding's encoder and decoder step with `model.encoder: bi` and `model.residual: true`
/// against the training-time forward pass (as `InferenceTests`).
@Suite struct BidirectionalInferenceTests {
    /// Teacher forcing through `step` and `select` gives the forward pass's h̃ at every step: the
    /// decoder's initial state is the same [h_fwd; h_bwd] both ways, and the residual sums are
    /// recomputed from the carried h_t.
    @Test(arguments: [1, 3, 4])
    func stepsMatchTheForwardPass(layers: Int) {
        let configuration = Seq2SeqConfiguration(sourceVocabularySize: 9, targetVocabularySize: 11, embedding: 3, hidden: 4,
                                                 layers: layers, score: .general, inputFeeding: true, encoder: .bi, residual: true)
        let tiny = TinyModel(configuration, scale: 0.5, seed: 3)
        let sources: [[Int32]] = [[4, 5, 6, 7, 8, 4], [5, 7, 6], [8], [6, 6, 4, 5]]
        let targets: [[Int32]] = [[4, 5, 3], [6, 7, 8, 9, 10, 4], [3, 3, 3], [9, 9, 5, 4]]
        let batch = TinyModel.teacherForcedBatch(sources: sources, targets: targets)
        let B = batch.size, T = batch.targetLength, input = batch.decoderInput, weights = batch.targetWeights
        let workspace = Workspace()
        defer { withExtendedLifetime(workspace) {} }
        let expected = tiny.model.forward(batch, parameters: tiny.store, workspace: workspace).attentionalStates
        let inference = Seq2Seq.Inference(model: tiny.model, parameters: tiny.store, maximumRows: 8)
        inference.start(sources: sources)
        var worst: Float = 0
        let order: [Int32] = [2, 0, 3, 1, 2]
        var sentenceOfRow: [Int] = Array(0..<B)
        for t in 0..<T {
            let ids = sentenceOfRow.map { input[$0 * T + t] }
            ids.withUnsafeBufferPointer { inference.step(ids: $0) }
            for (r, b) in sentenceOfRow.enumerated() where weights[b * T + t] != 0 {
                let got = inference.attentionalStates.row(r), want = expected.row(b * T + t)
                for j in 0..<4 { worst = max(worst, abs(got[j] - want[j])) }
            }
            let origins = t == 0 ? order : Array(0..<Int32(sentenceOfRow.count)).reversed()
            origins.withUnsafeBufferPointer { inference.select(origins: $0) }
            sentenceOfRow = origins.map { sentenceOfRow[Int($0)] }
        }
        print("Inference bi+residual L=\(layers): largest difference from forward \(worst)")
        #expect(worst < 1e-5)
    }
}
