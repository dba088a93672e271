import Tensor

/// Applies a step of gradients to a model's parameters, over the store's flat buffers.
///
/// A reference type: an optimizer carries state across steps (Adam's moments and step count)
/// that a checkpoint saves, and the learning rate changes with the schedule.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// Updates `parameters.values` from `parameters.gradients` (which it leaves as they are).
    func update(_ parameters: ParameterStore)
}
