import Foundation
import Testing
import Data
import Loss
import Tensor
@testable import Model
import Train

/// The whole model against the independent NumPy reference (`Tests/Fixtures/make_model_fixtures.py`,
/// float64, hand-derived backpropagation checked there against finite differences): a tiny
/// Seq2Seq (B 3, S 5, T 6, E 4, H 5, Vs 11, Vt 13, L 2, input feeding) with random parameters and
/// a padded batch of three sentences of different lengths, for each attention score. Checks that
/// our parameter layout is the reference's (names, shapes, 16-float offsets), then the loss of
/// `Seq2Seq.forward` + `SoftmaxCrossEntropy` and EVERY gradient after `Seq2Seq.backward`.
///
/// Tolerance: |ours − reference| ≤ 1e-4 · max(|reference|, 1e-4). The reference rounded to Float32
/// gives the same parameters bit for bit; the NumPy reference run in float32 differs from its
/// float64 self by at most 1.4e-5 in this measure (measured), which leaves a margin of 7× for
/// other summation orders (GEMM blocking, `-O3` kernels).
@Suite struct ReferenceFixtureTests {
    /// What every `Tests/Fixtures/model/<name>.json` file holds: the model, its parameters, a
    /// batch and the loss (`Gradients` and `BidirectionalFixtureTests.EncoderStates` read the rest).
    struct Fixture: Decodable {
        struct Configuration: Decodable {
            let embedding, hidden, layers, sourceVocabulary, targetVocabulary: Int
            let attention: String
            let inputFeeding: Bool
            /// `--bi` fixtures only (absent: uni, no residual).
            let encoder: String?
            let residual: Bool?
        }
        struct Tensor: Decodable {
            let name: String
            let rows, columns, offset: Int
            let startsAtZero: Bool
        }
        struct BatchArrays: Decodable {
            let size, sourceLength, targetLength: Int
            let source, decoderInput, decoderTarget: [Int32]
            let targetWeights: [Float]

            var batch: Batch {
                Batch(size: size, sourceLength: sourceLength, targetLength: targetLength, source: source,
                      decoderInput: decoderInput, decoderTarget: decoderTarget, targetWeights: targetWeights)
            }
        }
        let configuration: Configuration
        let layout: [Tensor]
        let parameterCount: Int
        let batch: BatchArrays
        let loss: Double
        let values: [Double]

        static func load(_ name: String) throws -> Fixture { try ReferenceFixtureTests.read(name) }
    }

    /// The rest of a `<score>.json` file: d loss / d parameter, flat in the store's layout, and how
    /// well the script's own backpropagation matched its finite differences.
    struct Gradients: Decodable {
        let gradients: [Double]
        let finiteDifferenceMaxRelativeError: Double
    }

    /// `Tests/Fixtures/model/<name>.json` as `F` (this suite's fixtures or another's).
    static func read<F: Decodable>(_ name: String, as _: F.Type = F.self) throws -> F {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/model/\(name).json")
        let bytes = try #require(FileManager.default.contents(atPath: url.path), "no fixture \(url.path)")
        return try JSONDecoder().decode(F.self, from: bytes)
    }

    // The model's API (Seq2Seq, Seq2SeqConfiguration, SoftmaxCrossEntropy): only these two functions name it.

    /// `Seq2Seq.init(configuration:layout:)` with the fixture's sizes.
    static func makeModel(_ c: Fixture.Configuration, layout: inout ParameterLayout) throws -> Seq2Seq {
        let score = try #require(LuongAttention.Score(rawValue: c.attention), "unknown score \(c.attention)")
        let encoder = try #require(EncoderKind(rawValue: c.encoder ?? "uni"), "unknown encoder \(c.encoder ?? "")")
        let configuration = Seq2SeqConfiguration(
            sourceVocabularySize: c.sourceVocabulary, targetVocabularySize: c.targetVocabulary, embedding: c.embedding,
            hidden: c.hidden, layers: c.layers, score: score, inputFeeding: c.inputFeeding, dropout: 0, encoder: encoder,
            residual: c.residual ?? false)
        return Seq2Seq(configuration: configuration, layout: &layout)
    }

    /// The model of a fixture's configuration, checked to have the fixture's layout (names, shapes,
    /// offsets, which tensors start at zero), and a store holding the fixture's parameter values.
    static func makeModel(_ fixture: Fixture) throws -> (model: Seq2Seq, store: ParameterStore) {
        var layout = ParameterLayout()
        let model = try makeModel(fixture.configuration, layout: &layout)
        #expect(layout.views.map(\.name) == fixture.layout.map(\.name))
        for (view, tensor) in zip(layout.views, fixture.layout) {
            #expect(view.rows == tensor.rows && view.columns == tensor.columns && view.offset == tensor.offset
                    && view.startsAtZero == tensor.startsAtZero, "\(view) is not \(tensor)")
        }
        try #require(layout.count == fixture.parameterCount && fixture.values.count == layout.count)
        let store = ParameterStore(layout: layout)
        for k in 0..<layout.count { store.values.pointer[k] = Float(fixture.values[k]) }   // Float values stored exactly
        return (model, store)
    }

    /// forward → SoftmaxCrossEntropy (scale 1/B) → backward; gradients are ADDED into the store.
    static func lossAndGradients(model: Seq2Seq, batch: Batch, store: ParameterStore, workspace: Workspace) -> Double {
        TrainingStep.lossAndGradients(batch, model: model, loss: SoftmaxCrossEntropy(weight: model.outputWeight, bias: model.outputBias),
                                      parameters: store, workspace: workspace, zeroingGradients: false)
    }

    /// The largest |ours − reference| / max(|reference|, floor) over `range` of the flat buffers.
    static func worstError(_ ours: UnsafeMutablePointer<Float>, _ reference: [Double], _ range: Range<Int>,
                           scale: Double = 1, floor: Double = 1e-4) -> (error: Double, at: Int) {
        var worst = (error: 0.0, at: range.lowerBound)
        for k in range {
            let expected = reference[k] * scale
            let error = abs(Double(ours[k]) - expected) / max(abs(expected), floor)
            if error > worst.error { worst = (error, k) }
        }
        return worst
    }

    @Test(arguments: ["dot", "general", "concat"])
    func lossAndEveryGradientMatchTheReference(score: String) throws {
        let fixture = try Fixture.load(score), reference = try Self.read(score, as: Gradients.self)
        #expect(reference.finiteDifferenceMaxRelativeError < 1e-6)

        // 1. The layout: the reference built the spec's order with ParameterLayout's alignment;
        // 2. the reference's parameters and batch.
        let (model, store) = try Self.makeModel(fixture)
        let layout = store.layout
        let batch = fixture.batch.batch
        #expect(batch.consistencyProblem == nil)

        // 3. Loss and every gradient.
        let workspace = Workspace()
        store.zeroGradients()
        let loss = Self.lossAndGradients(model: model, batch: batch, store: store, workspace: workspace)
        #expect(abs(loss - fixture.loss) <= 1e-4 * abs(fixture.loss), "loss \(loss), reference \(fixture.loss)")
        var report = [String]()
        for view in layout.views {
            let (error, at) = Self.worstError(store.gradients.pointer, reference.gradients, view.offset..<view.offset + view.count)
            report.append("\(view.name) \(String(format: "%.1e", error))")
            let k = at - view.offset
            #expect(error <= 1e-4, """
                \(score): d loss / d \(view.name)[\(k / view.columns), \(k % view.columns)] is \
                \(store.gradients.pointer[at]), reference \(reference.gradients[at]) (relative error \(error))
                """)
        }
        print("\(score): loss \(loss) (reference \(fixture.loss)); largest relative gradient errors: \(report.joined(separator: ", "))")

        // 4. backward ADDS: a second pass without zeroing doubles every gradient, with the same loss.
        let again = Self.lossAndGradients(model: model, batch: batch, store: store, workspace: workspace)
        #expect(again == loss, "the same step gave another loss: \(again) after \(loss)")
        let doubled = Self.worstError(store.gradients.pointer, reference.gradients, 0..<layout.count, scale: 2)
        #expect(doubled.error <= 1e-4, "after two passes, gradient \(doubled.at) is not twice the reference's")
    }
}
