import Foundation
import Testing
import Data
import IO
import Tensor
@testable import Model
import ModelTestSupport

/// `model.encoder: bi` and `model.residual: true` against `ReferenceSeq2Seq` (padded, Double,
/// the backward direction stepping t = S−1 … 0 and keeping its state at padding), and training.
@Suite struct BidirectionalResidualTests {
    static func configuration(layers: Int, encoder: EncoderKind = .bi, residual: Bool = true, score: LuongAttention.Score = .general,
                              dropout: Float = 0) -> Seq2SeqConfiguration {
        Seq2SeqConfiguration(sourceVocabularySize: 9, targetVocabularySize: 11, embedding: 3, hidden: 4, layers: layers,
                             score: score, inputFeeding: true, dropout: dropout, encoder: encoder, residual: residual)
    }

    /// Every gradient against central differences of the reference, with the masks the model drew
    /// (training) or none.
    static func check(_ configuration: Seq2SeqConfiguration, batch: Batch, seed: UInt64? = nil) -> (lossError: Double, report: GradientCheck.Report) {
        let tiny = TinyModel(configuration, scale: 0.3)
        return GradientCheck.compareWithReference(tiny, batch: batch, masks: seed.map { GradientCheck.DropoutMasks(tiny, batch: batch, seed: $0) })
    }

    /// L = 4: layer 0 bidirectional, layers 2 and 3 residual (3 on top of 2: the chain), every score.
    @Test(arguments: LuongAttention.Score.allCases)
    func gradientsMatchReference(score: LuongAttention.Score) {
        let (lossError, report) = Self.check(Self.configuration(layers: 4, score: score), batch: Seq2SeqTests.batch)
        print("Seq2Seq bi+residual L=4 \(score): loss relative error \(lossError); \(report)")
        #expect(lossError < 1e-5)
        #expect(report.worst < 1e-3, "\(report)")
    }

    /// Each alone: bi with one layer (its [fwd; bwd] is the encoder's output and the decoder's
    /// initial state) and an empty source; residual with a unidirectional encoder; bi without residual.
    @Test(arguments: [(1, EncoderKind.bi, false), (3, EncoderKind.uni, true), (2, EncoderKind.bi, false)])
    func eachAlone(layers: Int, encoder: EncoderKind, residual: Bool) {
        let batch = makeBatch(sources: [[4, 5, 6], [], [7], [8, 4, 4, 5, 6]], targets: [[4, 5], [6, 7, 8], [], [9]])
        let (lossError, report) = Self.check(Self.configuration(layers: layers, encoder: encoder, residual: residual), batch: batch)
        print("Seq2Seq L=\(layers) \(encoder) residual=\(residual), an empty source: loss relative error \(lossError); \(report)")
        #expect(lossError < 1e-5)
        #expect(report.worst < 1e-3, "\(report)")
    }

    /// With dropout between layers: the residual adds x before its mask.
    @Test func gradientsWithDropout() {
        let (lossError, report) = Self.check(Self.configuration(layers: 3, dropout: 0.3), batch: Seq2SeqTests.batch, seed: 11)
        print("Seq2Seq bi+residual L=3, dropout 0.3: loss relative error \(lossError); \(report)")
        #expect(lossError < 1e-5)
        #expect(report.worst < 1e-3, "\(report)")
    }

    /// The backward direction reads real tokens only: a sentence's loss and gradients are the same
    /// alone and in a batch with longer sources (more padding before it).
    @Test func paddingInvariance() {
        let tiny = TinyModel(Self.configuration(layers: 3), scale: 0.3)
        let source: [Int32] = [5, 7, 6], target: [Int32] = [6, 7, 8]
        let aloneLoss = tiny.step(makeBatch(sources: [source], targets: [target]), scale: 1)
        let aloneGradients = tiny.store.gradients.matrix.array
        let joined = makeBatch(sources: [[4, 5, 6, 7, 8, 4, 4], source], targets: [[4, 5, 3], target])
        var onlySecond = [Float](repeating: 0, count: joined.targetWeights.count)
        for t in 0..<joined.targetLength { onlySecond[joined.targetLength + t] = joined.targetWeights[joined.targetLength + t] }
        let joinedLoss = tiny.step(joined, lossWeights: onlySecond, scale: 1)
        let worst = zip(aloneGradients, tiny.store.gradients.matrix.array).map { abs($0 - $1) }.max()!
        #expect(abs(aloneLoss - joinedLoss) <= 1e-6 * abs(aloneLoss))
        #expect(worst <= 1e-6 * aloneGradients.map(abs).max()!)
    }

    @Test func parameterLayout() {
        var layout = ParameterLayout()
        _ = Seq2Seq(configuration: Self.configuration(layers: 2), layout: &layout)
        #expect(layout.views.map(\.name) == [
            "source.embedding", "target.embedding", "encoder.0.weight", "encoder.0.bias", "encoder.0.reverse.weight",
            "encoder.0.reverse.bias", "encoder.1.weight", "encoder.1.bias",
            "decoder.0.weight", "decoder.0.bias", "decoder.1.weight", "decoder.1.bias", "attention.W_a", "attention.W_c",
            "output.weight", "output.bias"])
        // E = 3, H/2 = 2 per direction: [E + H/2, 4·H/2]; layer 1 reads [fwd; bwd] = H.
        #expect(layout.views[2].rows == 5 && layout.views[2].columns == 8 && layout.views[4].rows == 5 && layout.views[4].columns == 8)
        #expect(layout.views[6].rows == 8 && layout.views[6].columns == 16)
        var uni = ParameterLayout()
        _ = Seq2Seq(configuration: Self.configuration(layers: 2, encoder: .uni), layout: &uni)
        #expect(uni.fingerprint != layout.fingerprint)
    }

    /// A tiny bi + residual model (three layers) learns 20 toy pairs: the loss per target token
    /// falls from ≈ log(Vt) to near 0 (Adam, as `OverfitTests`).
    @Test func tinyModelLearns() {
        let (first, last) = OverfitTests.learn(layers: 3, encoder: .bi, residual: true)
        print("Overfit bi+residual L=3: loss per target token \(first) → \(last) after 300 Adam steps")
        #expect(first > 2)
        #expect(last < 0.05)
    }
}
