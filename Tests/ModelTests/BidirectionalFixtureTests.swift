import Foundation
import IO
import Testing
import Data
import Loss
import Tensor
@testable import Model
import Train

/// The bidirectional, residual model's forward pass against the independent NumPy reference
/// (`Tests/Fixtures/make_model_fixtures.py --bi`, float64): L 3, H 6 (3 per direction), layer 2
/// of both stacks residual, on the padded batch of `ReferenceFixtureTests`. Checks the layout, the
/// encoder's h̄ at every real position and each layer's final (h, c) (layer 0's being [h_fwd after
/// the last token; h_bwd after the first]), and the loss. Tolerance as `ReferenceFixtureTests`.
@Suite struct BidirectionalFixtureTests {
    /// What `bi_residual.json` holds besides `ReferenceFixtureTests.Fixture`'s keys.
    struct EncoderStates: Decodable {
        /// h̄ [B·S, H], row b·S + s, zero at padding.
        let sourceStates: [Double]
        /// Each layer's final h and c [B, H].
        let finalHidden: [[Double]]
        let finalCells: [[Double]]
    }

    @Test func forwardMatchesTheReference() throws {
        let fixture = try ReferenceFixtureTests.Fixture.load("bi_residual")
        let states = try ReferenceFixtureTests.read("bi_residual", as: EncoderStates.self)
        let c = fixture.configuration
        #expect(c.encoder == "bi" && c.residual == true)
        let (model, store) = try ReferenceFixtureTests.makeModel(fixture)
        let b = fixture.batch, batch = b.batch

        // The encoder, its blocks in batch order.
        let workspace = Workspace()
        defer { withExtendedLifetime(workspace) {} }
        let B = b.size, S = b.sourceLength, H = c.hidden
        let encoded = model.encoder.forward(source: b.source, sentences: B, sourceLength: S, order: Array(0..<B), dropout: 0,
                                            parameters: store, workspace: workspace)
        var worst = 0.0
        func compare(_ ours: Matrix, _ reference: [Double], _ what: String) {
            for i in 0..<ours.rows {
                for j in 0..<H {
                    let expected = reference[i * H + j], error = abs(Double(ours[i, j]) - expected) / max(abs(expected), 1e-4)
                    worst = max(worst, error)
                    #expect(error <= 1e-4, "\(what)[\(i), \(j)] is \(ours[i, j]), reference \(expected)")
                }
            }
        }
        compare(encoded.sourceStates, states.sourceStates, "h̄")
        for l in 0..<c.layers {
            compare(encoded.finalHidden[l], states.finalHidden[l], "h of encoder layer \(l)")
            compare(encoded.finalCells[l], states.finalCells[l], "c of encoder layer \(l)")
        }

        // The loss of the whole model.
        let loss = TrainingStep.lossAndGradients(batch, model: model,
                                                 loss: SoftmaxCrossEntropy(weight: model.outputWeight, bias: model.outputBias),
                                                 parameters: store, workspace: workspace)
        print("bi + residual: loss \(loss) (reference \(fixture.loss)); encoder states' largest relative error \(worst)")
        #expect(abs(loss - fixture.loss) <= 1e-4 * abs(fixture.loss), "loss \(loss), reference \(fixture.loss)")
    }
}
