import Data
import Loss
import Model
import Tensor

/// One optimisation step of a seq2seq model, as `nmt train` and `nmt bench train` take it:
/// gradients zeroed, forward, the token loss and its gradient, backward, clipping by global norm
/// (the sampled output rows counted as TF counts an IndexedSlices gradient), then the optimizer's
/// update, skipped when the norm is not finite.
public struct TrainingStep {
    public let model: Seq2Seq
    public let loss: any TokenLoss
    public let optimizer: any Optimizer
    public let parameters: ParameterStore
    public let workspace: Workspace
    public var maxGradientNorm: Float

    public init(model: Seq2Seq, loss: any TokenLoss, optimizer: any Optimizer, parameters: ParameterStore,
                workspace: Workspace, maxGradientNorm: Float) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.parameters = parameters
        self.workspace = workspace
        self.maxGradientNorm = maxGradientNorm
    }

    /// Takes the step on `batch`; returns its loss (weighted cross-entropy / sentences) and the
    /// gradients' global norm before clipping.
    /// - Parameter dropoutSeed: the step's dropout stream (ignored when the model has none).
    @discardableResult
    public func callAsFunction(_ batch: Batch, dropoutSeed: UInt64 = 0) -> (loss: Double, norm: Float) {
        let value = Self.lossAndGradients(batch, model: model, loss: loss, parameters: parameters, workspace: workspace,
                                          dropoutSeed: dropoutSeed)
        var slices: [GradientClipping.Slices] = []
        if let sampled = loss as? SampledSoftmax {
            slices = [GradientClipping.Slices(views: [model.outputWeight, model.outputBias], squaredNorm: sampled.sliceSquaredNorm)]
        }
        let norm = GradientClipping.clipByGlobalNorm(parameters, maxNorm: maxGradientNorm, slices: slices)
        if norm.isFinite { optimizer.update(parameters) }
        return (value, norm)
    }

    /// The step's first half, which tests and benchmarks take alone: the workspace reset and the
    /// gradients zeroed, forward, the token loss and its gradient, backward. Leaves the gradients
    /// in `parameters` and updates nothing.
    /// - Parameters:
    ///   - training: dropout on (the model's rate, drawn from `dropoutSeed`) or off.
    ///   - weights: the loss's weight of each target position (default the batch's `targetWeights`).
    ///   - scale: multiplies every cross-entropy (default 1 / sentences).
    ///   - zeroingGradients: false adds this batch's gradients to those already in the store.
    /// - Returns: Σ weights·CE·scale.
    @discardableResult
    public static func lossAndGradients(_ batch: Batch, model: Seq2Seq, loss: some TokenLoss, parameters: ParameterStore,
                                        workspace: Workspace, training: Bool = true, dropoutSeed: UInt64 = 0,
                                        weights: [Float]? = nil, scale: Float? = nil, zeroingGradients: Bool = true) -> Double {
        workspace.reset()
        if zeroingGradients { parameters.zeroGradients() }
        let cache = model.forward(batch, parameters: parameters, workspace: workspace, training: training, dropoutSeed: dropoutSeed)
        let result = batch.decoderTarget.withUnsafeBufferPointer { labels in
            (weights ?? batch.targetWeights).withUnsafeBufferPointer { weights in
                loss.forwardBackward(states: cache.attentionalStates, labels: labels.baseAddress!, weights: weights.baseAddress!,
                                     scale: scale ?? 1 / Float(batch.size), parameters: parameters, workspace: workspace)
            }
        }
        model.backward(cache, dAttentionalStates: result.dStates, parameters: parameters, workspace: workspace)
        return result.loss
    }
}
