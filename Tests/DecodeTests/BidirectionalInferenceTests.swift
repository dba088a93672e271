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
        let worst = InferenceTests.largestDifferenceFromForward(tiny)
        print("Inference bi+residual L=\(layers): largest difference from forward \(worst)")
        #expect(worst < 1e-5)
    }
}
