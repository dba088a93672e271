import Data
import Loss
import Model
import MPI
import Tensor

/// One optimisation step of a seq2seq model, as `nmt train` and `nmt bench train` take it:
/// gradients zeroed, forward, the token loss and its gradient, backward, clipping by global norm
/// (the sampled output rows counted as TF counts an IndexedSlices gradient), then the optimizer's
/// update, skipped when the norm is not finite.
///
/// Under data-parallel training each rank passes its slice of the global batch; the gradients
/// are summed over the ranks (overlapped with the backward pass, `GradientExchange`) before the
/// clipping, which every rank then applies alike with the optimizer, so the parameters stay equal
/// on every rank without being sent.
public struct TrainingStep {
    public let model: Seq2Seq
    public let loss: any TokenLoss
    public let optimizer: any Optimizer
    public let parameters: ParameterStore
    public let workspace: Workspace
    public var maxGradientNorm: Float
    /// The ranks whose gradients each step sums (one process: `.single`).
    public var communicator: Communicator { exchange?.communicator ?? .single }
    let exchange: GradientExchange?

    public init(model: Seq2Seq, loss: any TokenLoss, optimizer: any Optimizer, parameters: ParameterStore,
                workspace: Workspace, maxGradientNorm: Float, communicator: Communicator = .single) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.parameters = parameters
        self.workspace = workspace
        self.maxGradientNorm = maxGradientNorm
        let sampled = (loss as? SampledSoftmax).map { (count: $0.numSampled, hidden: $0.weight.columns) }
        exchange = communicator.isDistributed
            ? GradientExchange(communicator: communicator, parameters: parameters, sampled: sampled) : nil
    }

    /// Under data-parallel training, since the start: the bytes of gradients this rank summed,
    /// the seconds its exchange thread spent in MPI_Allreduce, and the seconds the steps waited
    /// for it after their backward pass (nil for one process).
    public var exchangeTotals: (bytes: Int, seconds: Double, waited: Double)? { exchange?.totals }

    /// What a step returns.
    public struct Result: Sendable {
        /// The global batch's weighted cross-entropy / sentences.
        public var loss: Double
        /// The global batch's target tokens (Σ target weights).
        public var targetTokens: Double
        /// The gradients' global norm before clipping.
        public var norm: Float
    }

    /// Takes the step on `batch`: the whole batch, or under data-parallel training this rank's
    /// slice of a global batch of `globalSize` sentences (its rows starting at `batch.firstRow`).
    /// - Parameters:
    ///   - touched: the global batch's rows of the embeddings and output layer, which are all the
    ///     ranks sum of those tensors (nil: they are summed whole).
    ///   - dropoutSeed: the step's dropout stream (ignored when the model has none).
    @discardableResult
    public func callAsFunction(_ batch: Batch, globalSize: Int? = nil, touched: TouchedRows? = nil, dropoutSeed: UInt64 = 0) -> Result {
        guard let exchange else {
            let value = Self.lossAndGradients(batch, model: model, loss: loss, parameters: parameters, workspace: workspace,
                                              dropoutSeed: dropoutSeed)
            let norm = clipAndUpdate(sliceSquaredNorm: (loss as? SampledSoftmax)?.sliceSquaredNorm)
            return Result(loss: value, targetTokens: batch.targetWeights.reduce(0.0) { $0 + Double($1) }, norm: norm)
        }
        let sampled = loss as? SampledSoftmax
        exchange.touched = touched
        exchange.sampledLoss = sampled
        let value = Self.lossAndGradients(batch, model: model, loss: loss, parameters: parameters, workspace: workspace,
                                          dropoutSeed: dropoutSeed, scale: 1 / Float(globalSize ?? batch.size)) { part in
            exchange.sum(part)
            if part == .output, let sampled { exchange.sumSlices(of: sampled) }
        }
        exchange.wait()
        var sums = [value, batch.targetWeights.reduce(0.0) { $0 + Double($1) }, sampled?.labelSliceSquaredNorm ?? 0]
        exchange.communicator.allreduceSum(&sums)
        let norm = clipAndUpdate(sliceSquaredNorm: sampled.map { _ in exchange.candidateSquaredNorm + sums[2] })
        return Result(loss: sums[0], targetTokens: sums[1], norm: norm)
    }

    /// Clips by the global norm (with sampled softmax's output rows counted as TF's slices) and
    /// updates when the norm is finite; returns the norm.
    private func clipAndUpdate(sliceSquaredNorm: Double?) -> Float {
        var slices: [GradientClipping.Slices] = []
        if let sliceSquaredNorm {
            slices = [GradientClipping.Slices(views: [model.outputWeight, model.outputBias], squaredNorm: sliceSquaredNorm)]
        }
        let norm = GradientClipping.clipByGlobalNorm(parameters, maxNorm: maxGradientNorm, slices: slices)
        if norm.isFinite { optimizer.update(parameters) }
        return norm
    }

    /// The step's first half, which tests and benchmarks take alone: the workspace reset and the
    /// gradients zeroed, forward, the token loss and its gradient, backward. Leaves the gradients
    /// in `parameters` and updates nothing.
    /// - Parameters:
    ///   - training: dropout on (the model's rate, drawn from `dropoutSeed`) or off.
    ///   - weights: the loss's weight of each target position (default the batch's `targetWeights`).
    ///   - scale: multiplies every cross-entropy (default 1 / sentences).
    ///   - zeroingGradients: false adds this batch's gradients to those already in the store.
    ///   - finished: called with each `Seq2Seq.Part` as soon as its gradients are complete.
    /// - Returns: Σ weights·CE·scale.
    @discardableResult
    public static func lossAndGradients(_ batch: Batch, model: Seq2Seq, loss: some TokenLoss, parameters: ParameterStore,
                                        workspace: Workspace, training: Bool = true, dropoutSeed: UInt64 = 0,
                                        weights: [Float]? = nil, scale: Float? = nil, zeroingGradients: Bool = true,
                                        finished: (Seq2Seq.Part) -> Void = { _ in }) -> Double {
        workspace.reset()
        if zeroingGradients { parameters.zeroGradients() }
        let cache = model.forward(batch, parameters: parameters, workspace: workspace, training: training, dropoutSeed: dropoutSeed)
        let result = batch.decoderTarget.withUnsafeBufferPointer { labels in
            (weights ?? batch.targetWeights).withUnsafeBufferPointer { weights in
                loss.forwardBackward(states: cache.attentionalStates, labels: labels.baseAddress!, weights: weights.baseAddress!,
                                     scale: scale ?? 1 / Float(batch.size), parameters: parameters, workspace: workspace)
            }
        }
        finished(.output)
        model.backward(cache, dAttentionalStates: result.dStates, parameters: parameters, workspace: workspace, finished: finished)
        return result.loss
    }
}
