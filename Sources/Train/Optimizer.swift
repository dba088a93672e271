import ModelFiles
import Tensor

/// Applies a step of gradients to a model's parameters, over the store's flat buffers.
///
/// A reference type: an optimizer carries state across steps (Adam's moments and step count)
/// that a checkpoint saves, and the learning rate changes with the schedule. Each optimizer
/// writes and reads its own checkpoint sections, so the trainer never asks which one it has.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// Updates `parameters.values` from `parameters.gradients` (which it leaves as they are).
    func update(_ parameters: ParameterStore)
    /// Adds the state to carry across a resume to `checkpoint` (sections named after the
    /// optimizer: `adam.step`, `adam.m`, `adam.v`).
    func save(into checkpoint: inout Checkpoint)
    /// Continues from the state `save` wrote, for a store of `parameterCount` floats; a
    /// checkpoint without this optimizer's sections leaves it as new.
    /// - Throws: `CheckpointError.badSection` naming `path` when a section does not fit the store.
    func restore(from checkpoint: Checkpoint, parameterCount: Int, path: String) throws
}
