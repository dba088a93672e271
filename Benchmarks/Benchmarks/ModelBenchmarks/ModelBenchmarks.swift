// The compute core's hot paths on the TF peer's synthetic batches (configs of CONTRACT.md):
// a whole training step (forward, loss, backward), the model alone (encoder, decoder LSTM
// steps with Luong attention and input feeding), and the output projection with each loss.
// `.mallocCountTotal` shows what a step allocates once its workspace has grown; the side by
// side comparison with the TF peer is `Benchmarks/compare-train.sh` (`nmt bench train`).
import Benchmark
import Data
import IO
import Loss
import Model
import Tensor
import Train

/// A model of config S or M with the peer's initialisation and its 8 synthetic batches.
struct Setup {
    let model: Seq2Seq
    let parameters: ParameterStore
    let batches: [Batch]
    let workspace = Workspace()

    init(embedding: Int, hidden: Int, layers: Int, vocabulary: Int) {
        var layout = ParameterLayout()
        model = Seq2Seq(configuration: Seq2SeqConfiguration(sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary,
                                                            embedding: embedding, hidden: hidden, layers: layers),
                        layout: &layout)
        parameters = ParameterStore(layout: layout)
        parameters.initializeUniform(scale: 0.1, seed: 1)
        batches = SyntheticBatches.batches(count: 8, size: 64, sourceVocabulary: vocabulary, targetVocabulary: vocabulary, seed: 1)
    }

    /// Forward, loss and backward of one batch; returns the loss.
    func step(_ batch: Batch, loss: some TokenLoss) -> Double {
        TrainingStep.lossAndGradients(batch, model: model, loss: loss, parameters: parameters, workspace: workspace)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
                                           maxDuration: .seconds(10), maxIterations: 20)
    GEMM.threads = 2
    let small = Setup(embedding: 256, hidden: 256, layers: 1, vocabulary: 8000)
    let full = SoftmaxCrossEntropy(weight: small.model.outputWeight, bias: small.model.outputBias)

    Benchmark("S training step, full softmax (forward, loss, backward)") { benchmark in
        _ = small.step(small.batches[0], loss: full)        // grow the workspace first
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations { blackHole(small.step(small.batches[i % 8], loss: full)) }
    }
    Benchmark("S model forward (encoder, decoder steps, attention)") { benchmark in
        for i in benchmark.scaledIterations {
            small.workspace.reset()
            blackHole(small.model.forward(small.batches[i % 8], parameters: small.parameters, workspace: small.workspace))
        }
    }
    Benchmark("S projection + full softmax loss (forward, backward)") { benchmark in
        small.workspace.reset()
        let batch = small.batches[0]
        let states = small.model.forward(batch, parameters: small.parameters, workspace: small.workspace).attentionalStates
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(batch.decoderTarget.withUnsafeBufferPointer { labels in
                batch.targetWeights.withUnsafeBufferPointer { weights in
                    full.forwardBackward(states: states, labels: labels.baseAddress!, weights: weights.baseAddress!, scale: 1 / 64,
                                         parameters: small.parameters, workspace: small.workspace).loss
                }
            })
        }
    }

    let large = Setup(embedding: 512, hidden: 512, layers: 2, vocabulary: 32_000)
    let sampled = SampledSoftmax(weight: large.model.outputWeight, bias: large.model.outputBias, numSampled: 512,
                                 sampler: LogUniformSampler(rangeMax: 32_000, seed: 1))
    Benchmark("M training step, sampled softmax 512", configuration: .init(maxIterations: 8)) { benchmark in
        _ = large.step(large.batches[0], loss: sampled)
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations { blackHole(large.step(large.batches[i % 8], loss: sampled)) }
    }
}
