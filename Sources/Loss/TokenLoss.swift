import Tensor

public protocol TokenLoss {
    /// - Parameters: states h̃ [N, H]; labels [N] target ids; weights [N]; scale multiplies every CE (1/B).
    /// - Returns: Σ weights·CE·scale, and dStates [N, H] (workspace), after adding output.weight/bias gradients.
    func forwardBackward(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>, scale: Float,
                         parameters: ParameterStore, workspace: Workspace) -> (loss: Double, dStates: Matrix)
    /// Forward only (evaluation): Σ weights·CE (unscaled) and Σ weights.
    func evaluate(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
                  parameters: ParameterStore, workspace: Workspace) -> (crossEntropy: Double, weight: Double)
}
