import Testing
import Data
import IO
import Tensor
@testable import Loss
@testable import Model
import Train

/// Issue 11: training the shipped recipe grew resident memory without end
/// because the step's workspace kept a block for every oversized request at every position it
/// had ever been made at, and packed batches change those positions from step to step.
@Suite struct WorkspaceMemoryTests {
    /// Training steps (sampled softmax, dropout) over bucketed batches of random lengths, the
    /// workspace's blocks smaller than one step's large matrices, as the recipe's are: after the
    /// largest possible step (every sentence as long as the largest bucket allows), no later step
    /// makes the workspace hold more.
    @Test func stepsOverBucketsOfRandomLengthsHoldNoMoreThanTheLargestStep() {
        let configuration = Seq2SeqConfiguration(sourceVocabularySize: 40, targetVocabularySize: 50, embedding: 8, hidden: 16,
                                                 layers: 2, score: .general, inputFeeding: true, dropout: 0.2)
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: configuration, layout: &layout)
        let store = ParameterStore(layout: layout)
        store.initializeUniform(scale: 0.1, seed: 3)
        let loss = SampledSoftmax(weight: model.outputWeight, bias: model.outputBias, numSampled: 12,
                                  sampler: LogUniformSampler(rangeMax: 50, seed: 4))
        let workspace = Workspace(blockSize: 1 << 12)
        let buckets = [(source: 5, target: 6), (source: 10, target: 12), (source: 20, target: 24)]
        let B = 16
        var random = SplitMix64(seed: 9)

        func batch(bucket k: Int, full: Bool) -> Batch {
            let shortest = k == 0 ? 1 : buckets[k - 1].source + 1
            let sources = (0..<B).map { _ in
                (0..<(full ? buckets[k].source : random.nextInt(in: shortest...buckets[k].source))).map { _ in
                    Int32(random.nextInt(in: 4...39))
                }
            }
            let targets = (0..<B).map { _ in
                (0..<(full ? buckets[k].target - 1 : random.nextInt(in: 1...(buckets[k].target - 1)))).map { _ in
                    Int32(random.nextInt(in: 4...49))
                }
            }
            return makeBatch(sources: sources, targets: targets, sourceLength: buckets[k].source, targetLength: buckets[k].target)
        }
        @discardableResult
        func step(_ batch: Batch, seed: UInt64, in workspace: Workspace) -> (loss: Double, gradients: [Float]) {
            let value = TrainingStep.lossAndGradients(batch, model: model, loss: loss, parameters: store, workspace: workspace,
                                                      dropoutSeed: seed, scale: 1 / Float(B))
            return (value, store.gradients.matrix.array)
        }

        step(batch(bucket: 2, full: true), seed: 0, in: workspace)
        step(batch(bucket: 0, full: false), seed: 1, in: workspace)
        let capacity = workspace.capacity
        var most = capacity
        for s in 2..<300 {
            let next = batch(bucket: random.nextInt(in: 0...2), full: false), draws = loss.sampler.state
            let reused = step(next, seed: UInt64(s), in: workspace)
            most = max(most, workspace.capacity)
            if s % 50 == 0 {        // the reused memory gives what fresh memory gives, bit for bit
                loss.sampler.state = draws
                let fresh = step(next, seed: UInt64(s), in: Workspace())
                #expect(reused.loss == fresh.loss && reused.gradients == fresh.gradients)
            }
        }
        #expect(most <= capacity, "the workspace grew from \(capacity) to \(most) floats")
    }
}
