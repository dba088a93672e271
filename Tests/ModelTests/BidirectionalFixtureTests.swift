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
    struct Fixture: Decodable {
        struct Configuration: Decodable {
            let embedding, hidden, layers, sourceVocabulary, targetVocabulary: Int
            let attention, encoder: String
            let inputFeeding, residual: Bool
        }
        let configuration: Configuration
        let layout: [ReferenceFixtureTests.Fixture.Tensor]
        let parameterCount: Int
        let batch: ReferenceFixtureTests.Fixture.BatchArrays
        let loss: Double
        let values: [Double]
        let sourceStates: [Double]
        let finalHidden: [[Double]]
        let finalCells: [[Double]]
    }

    @Test func forwardMatchesTheReference() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/model/bi_residual.json")
        let bytes = try #require(FileManager.default.contents(atPath: url.path), "no fixture \(url.path)")
        let fixture = try JSONDecoder().decode(Fixture.self, from: bytes)
        let c = fixture.configuration
        let configuration = Seq2SeqConfiguration(
            sourceVocabularySize: c.sourceVocabulary, targetVocabularySize: c.targetVocabulary, embedding: c.embedding,
            hidden: c.hidden, layers: c.layers, score: try #require(LuongAttention.Score(rawValue: c.attention)),
            inputFeeding: c.inputFeeding, dropout: 0, encoder: try #require(EncoderKind(rawValue: c.encoder)), residual: c.residual)
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: configuration, layout: &layout)
        #expect(layout.views.map(\.name) == fixture.layout.map(\.name))
        for (view, tensor) in zip(layout.views, fixture.layout) {
            #expect(view.rows == tensor.rows && view.columns == tensor.columns && view.offset == tensor.offset,
                    "\(view) is not \(tensor)")
        }
        try #require(layout.count == fixture.parameterCount && fixture.values.count == layout.count)
        let store = ParameterStore(layout: layout)
        for k in 0..<layout.count { store.values.pointer[k] = Float(fixture.values[k]) }
        let b = fixture.batch
        let batch = Batch(size: b.size, sourceLength: b.sourceLength, targetLength: b.targetLength, source: b.source,
                          decoderInput: b.decoderInput, decoderTarget: b.decoderTarget, targetWeights: b.targetWeights)

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
        compare(encoded.sourceStates, fixture.sourceStates, "h̄")
        for l in 0..<c.layers {
            compare(encoded.finalHidden[l], fixture.finalHidden[l], "h of encoder layer \(l)")
            compare(encoded.finalCells[l], fixture.finalCells[l], "c of encoder layer \(l)")
        }

        // The loss of the whole model.
        let loss = TrainingStep.lossAndGradients(batch, model: model,
                                                 loss: SoftmaxCrossEntropy(weight: model.outputWeight, bias: model.outputBias),
                                                 parameters: store, workspace: workspace)
        print("bi + residual: loss \(loss) (reference \(fixture.loss)); encoder states' largest relative error \(worst)")
        #expect(abs(loss - fixture.loss) <= 1e-4 * abs(fixture.loss), "loss \(loss), reference \(fixture.loss)")
    }
}
