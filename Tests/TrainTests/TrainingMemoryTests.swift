import Data
import Loss
import Model
import Tensor
import Testing
@testable import Train

/// Issue 11, defect 3: the training estimate bounds a real step's workspace from above, within 2×.
@Suite struct TrainingMemoryTests {
    @Test(arguments: [false, true])
    func stepEstimateBoundsTheWorkspace(sampled: Bool) {
        let configuration = Seq2SeqConfiguration(sourceVocabularySize: 8_000, targetVocabularySize: 8_000, embedding: 256,
                                                 hidden: 256, layers: 2, score: .general, inputFeeding: true, dropout: 0.2)
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: configuration, layout: &layout)
        let parameters = ParameterStore(layout: layout)
        parameters.initializeUniform(scale: 0.1, seed: 1)
        let loss: any TokenLoss = sampled
            ? SampledSoftmax(weight: model.outputWeight, bias: model.outputBias, numSampled: 512,
                             sampler: LogUniformSampler(rangeMax: 8_000, seed: 1))
            : SoftmaxCrossEntropy(weight: model.outputWeight, bias: model.outputBias)
        let workspace = Workspace()
        let step = TrainingStep(model: model, loss: loss, optimizer: Adam(learningRate: 1e-3), parameters: parameters,
                                workspace: workspace, maxGradientNorm: 5)
        let batch = SyntheticBatches.batches(count: 1, size: 64, sourceVocabulary: 8_000, targetVocabulary: 8_000, seed: 1)[0]
        _ = step(batch, dropoutSeed: 1)
        let actual = Double(workspace.capacity)
        let estimate = TrainingMemory.stepFloats(configuration: configuration, batch: 64, sourceLength: Double(batch.sourceLength),
                                                 targetLength: Double(batch.targetLength), numSampled: sampled ? 512 : nil)
        // The workspace grows by blocks of 4M floats: the estimate plus one block bounds it.
        #expect(actual <= estimate + Double(1 << 22), "workspace \(actual) floats, estimate \(estimate)")
        #expect(estimate <= 2 * actual, "workspace \(actual) floats, estimate \(estimate)")
    }
}
