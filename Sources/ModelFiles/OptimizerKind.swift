/// The optimizer, the recipe key `train.optimizer`: Adam (Kingma & Ba 2015, as Keras 3 applies
/// it) or plain SGD (the TF tutorial's `GradientDescentOptimizer`).
public enum OptimizerKind: String, Sendable, CaseIterable {
    case adam
    case sgd
}
