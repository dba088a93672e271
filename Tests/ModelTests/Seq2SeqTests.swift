import Testing
import Data
import IO
import Tensor
@testable import Loss
@testable import Model
import Train
import ModelTestSupport

/// A batch as the tutorial builds one: sources reversed and padded on the left, targets
/// `<go> y` / `y <eos>` padded on the right.
func makeBatch(sources: [[Int32]], targets: [[Int32]], sourceLength S: Int? = nil, targetLength T: Int? = nil) -> Batch {
    let B = sources.count
    let S = S ?? sources.map(\.count).max()!, T = T ?? (targets.map(\.count).max()! + 1)
    var source = [Int32](repeating: 0, count: B * S), input = [Int32](repeating: 0, count: B * T)
    var target = input, weights = [Float](repeating: 0, count: B * T)
    for b in 0..<B {
        for (i, id) in sources[b].reversed().enumerated() { source[b * S + S - sources[b].count + i] = id }
        input[b * T] = 1
        for (i, id) in targets[b].enumerated() { input[b * T + i + 1] = id; target[b * T + i] = id }
        target[b * T + targets[b].count] = 2
        for t in 0...targets[b].count { weights[b * T + t] = 1 }
    }
    return Batch(size: B, sourceLength: S, targetLength: T, source: source, decoderInput: input, decoderTarget: target,
                 targetWeights: weights)
}

/// `TinyModel`'s training step and loss, as these tests take them.
extension TinyModel {
    /// Zeroes the gradients, runs forward and backward, returns the loss (gradients in the store).
    /// - Parameter lossWeights: the weights the loss uses (default: the batch's).
    @discardableResult
    func step(_ batch: Batch, lossWeights: [Float]? = nil, scale: Float? = nil, training: Bool = false, seed: UInt64 = 0) -> Double {
        TrainingStep.lossAndGradients(batch, model: model, loss: loss, parameters: store, workspace: workspace,
                                      training: training, dropoutSeed: seed, weights: lossWeights, scale: scale)
    }

    /// The loss alone (forward, evaluation).
    func value(_ batch: Batch, training: Bool = false, seed: UInt64 = 0) -> Double {
        workspace.reset()
        let cache = model.forward(batch, parameters: store, workspace: workspace, training: training, dropoutSeed: seed)
        return batch.decoderTarget.withUnsafeBufferPointer { labels in
            batch.targetWeights.withUnsafeBufferPointer { weights in
                loss.evaluate(states: cache.attentionalStates, labels: labels.baseAddress!, weights: weights.baseAddress!,
                              parameters: store, workspace: workspace).crossEntropy / Double(batch.size)
            }
        }
    }
}

@Suite struct Seq2SeqTests {
    /// Four sentences of different lengths on both sides: padding in both the encoder and the decoder.
    static let batch = makeBatch(sources: [[4, 5, 6, 7, 8, 4], [5, 7, 6], [8], [6, 6, 4, 5]],
                                 targets: [[4, 5], [6, 7, 8, 9, 10, 4], [3], [9, 9, 5, 4]])

    static func configuration(_ score: LuongAttention.Score, inputFeeding: Bool, layers: Int = 2, dropout: Float = 0) -> Seq2SeqConfiguration {
        Seq2SeqConfiguration(sourceVocabularySize: 9, targetVocabularySize: 11, embedding: 3, hidden: 4, layers: layers,
                             score: score, inputFeeding: inputFeeding, dropout: dropout)
    }

    /// Ours (packed, Float) against the peer's padded computation (Double): the loss, and every
    /// gradient against central differences of the Double reference (h = 1e-5).
    static func checkAgainstReference(_ configuration: Seq2SeqConfiguration, batch: Batch) -> (lossError: Double, report: GradientCheck.Report) {
        GradientCheck.compareWithReference(TinyModel(configuration, scale: 0.3), batch: batch)
    }

    @Test(arguments: LuongAttention.Score.allCases, [true, false])
    func gradientsMatchReference(score: LuongAttention.Score, inputFeeding: Bool) {
        let (lossError, report) = Self.checkAgainstReference(Self.configuration(score, inputFeeding: inputFeeding), batch: Self.batch)
        print("Seq2Seq L=2 \(score) inputFeeding=\(inputFeeding): loss relative error \(lossError); \(report)")
        #expect(lossError < 1e-5)
        #expect(report.worst < 1e-3, "\(report)")
    }

    /// An empty source (all padding: context 0, initial state 0) and one layer.
    @Test func emptySourceSingleLayer() {
        let batch = makeBatch(sources: [[4, 5, 6], [], [7]], targets: [[4, 5], [6, 7, 8], []])
        let (lossError, report) = Self.checkAgainstReference(Self.configuration(.general, inputFeeding: true, layers: 1), batch: batch)
        print("Seq2Seq L=1 with an empty source: loss relative error \(lossError); \(report)")
        #expect(lossError < 1e-5)
        #expect(report.worst < 1e-3, "\(report)")
    }

    /// With dropout: the reference applies the masks the model drew (read from its cache).
    @Test func gradientsWithDropout() {
        let configuration = Self.configuration(.general, inputFeeding: true, dropout: 0.3)
        let tiny = TinyModel(configuration, scale: 0.3)
        let batch = Self.batch
        #expect(tiny.value(batch, training: true, seed: 11) != tiny.value(batch, training: true, seed: 12))
        #expect(tiny.value(batch, training: false) == tiny.value(batch))
        let masks = GradientCheck.DropoutMasks(tiny, batch: batch, seed: 11)
        #expect(masks.dropSomething)
        let (lossError, report) = GradientCheck.compareWithReference(tiny, batch: batch, masks: masks)
        print("Seq2Seq L=2 general, dropout 0.3: loss relative error \(lossError); \(report)")
        #expect(lossError < 1e-5)
        #expect(report.worst < 1e-3, "\(report)")
    }

    /// A sentence's loss and gradients do not change when longer sentences join its batch.
    @Test(arguments: LuongAttention.Score.allCases)
    func paddingInvariance(score: LuongAttention.Score) {
        let tiny = TinyModel(Self.configuration(score, inputFeeding: true), scale: 0.3)
        let source: [Int32] = [5, 7, 6], target: [Int32] = [6, 7, 8]
        let alone = makeBatch(sources: [source], targets: [target])
        let aloneLoss = tiny.step(alone, scale: 1)
        let aloneGradients = tiny.store.gradients.matrix.array
        let joined = makeBatch(sources: [[4, 5, 6, 7, 8, 4, 4], source, [8, 8, 5, 4, 6]],
                               targets: [[4, 5, 3, 3, 3, 3, 9], target, [9, 9, 5, 4, 7, 7, 7, 7]])
        #expect(joined.sourceLength > alone.sourceLength && joined.targetLength > alone.targetLength)
        var onlyMiddle = [Float](repeating: 0, count: joined.targetWeights.count)
        for t in 0..<joined.targetLength { onlyMiddle[joined.targetLength + t] = joined.targetWeights[joined.targetLength + t] }
        let joinedLoss = tiny.step(joined, lossWeights: onlyMiddle, scale: 1)
        let joinedGradients = tiny.store.gradients.matrix.array
        let largest = aloneGradients.map(abs).max()!
        let worst = zip(aloneGradients, joinedGradients).map { abs($0 - $1) }.max()!
        print("Padding invariance (\(score)): loss \(aloneLoss) vs \(joinedLoss); largest gradient difference \(worst) (largest gradient \(largest))")
        #expect(abs(aloneLoss - joinedLoss) <= 1e-6 * abs(aloneLoss))
        #expect(worst <= 1e-6 * largest)
    }

    /// A second step of the same shape takes no new workspace memory, and gives the same results.
    @Test func repeatedStepReusesTheWorkspace() {
        let tiny = TinyModel(Self.configuration(.concat, inputFeeding: true, dropout: 0.2), scale: 0.3)
        let first = tiny.step(Self.batch, training: true, seed: 5)
        let gradients = tiny.store.gradients.matrix.array, capacity = tiny.workspace.capacity
        let second = tiny.step(Self.batch, training: true, seed: 5)
        #expect(first == second && gradients == tiny.store.gradients.matrix.array)
        #expect(tiny.workspace.capacity == capacity)
    }

    @Test func parameterLayoutFollowsTheSpec() {
        var layout = ParameterLayout()
        _ = Seq2Seq(configuration: Self.configuration(.concat, inputFeeding: true), layout: &layout)
        #expect(layout.views.map(\.name) == [
            "source.embedding", "target.embedding", "encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias",
            "decoder.0.weight", "decoder.0.bias", "decoder.1.weight", "decoder.1.bias", "attention.W_a", "attention.v_a",
            "attention.W_c", "output.weight", "output.bias"])
        let shapes = layout.views.map { [$0.rows, $0.columns] }
        #expect(shapes == [[9, 3], [11, 3], [7, 16], [1, 16], [8, 16], [1, 16], [11, 16], [1, 16], [8, 16], [1, 16],
                           [8, 4], [1, 4], [8, 4], [11, 4], [1, 11]])
        #expect(layout.views.filter(\.startsAtZero).map(\.name) == ["encoder.0.bias", "encoder.1.bias", "decoder.0.bias",
                                                                   "decoder.1.bias", "output.bias"])
    }
}
