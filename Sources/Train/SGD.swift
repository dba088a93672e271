import ModelFiles
import Tensor

/// Plain stochastic gradient descent, as the TF tutorial trains (`GradientDescentOptimizer`,
/// Keras' `SGD` without momentum): w −= learningRate · g.
public final class SGD: Optimizer {
    public var learningRate: Float

    public init(learningRate: Float) {
        self.learningRate = learningRate
    }

    /// - Complexity: one pass over the flat buffers.
    public func update(_ parameters: ParameterStore) {
        let w = parameters.values.pointer, g = parameters.gradients.pointer
        let rate = learningRate
        for k in 0..<parameters.count { w[k] -= g[k] * rate }    // vectorized; memory-bound
    }

    /// SGD keeps no state between steps: nothing to save or restore.
    public func save(into checkpoint: inout Checkpoint) {}
    public func restore(from checkpoint: Checkpoint, parameterCount: Int, path: String) throws {}
}
