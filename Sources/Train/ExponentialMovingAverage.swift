import CVectorMath
import ModelFiles
import Tensor

/// θ̄, an exponential moving average of the parameters over the steps: Marian's
/// `--exponential-smoothing` and TensorFlow's `ExponentialMovingAverage(decay, num_updates)`.
/// After the optimizer's t-th step (t = 1, 2, …)
///
///     α_t = min(α, (1 + t) / (10 + t));   θ̄ ← α_t·θ̄ + (1 − α_t)·θ
///
/// starting from θ̄ = θ₀, the initial parameters (TF's shadow variables start at the variable's
/// value). The cap on α_t is TF's `num_updates` correction, which Marian applies too: with
/// α = 0.9999 alone θ̄ would still be 99% the random θ₀ after 100 steps; capped,
/// α_1 = 2/11 and θ̄ follows θ closely until (1 + t)/(10 + t) passes α (t ≈ 90,000 at 0.9999).
///
/// θ̄ is what dev evaluation, `best.ckpt` and translation use. In a checkpoint it is the
/// section `parameters`, so every reader of a checkpoint translates with it, and `last.ckpt`
/// keeps θ, which the optimizer steps, as `ema.training_parameters` (Marian, too, saves the
/// smoothed parameters as the model and the unsmoothed ones beside them, for resuming).
public final class ExponentialMovingAverage {
    /// α.
    public let decay: Double
    /// θ̄, laid out as the parameter store.
    public let average: FloatBuffer
    /// The section of `last.ckpt` that holds θ while `parameters` holds θ̄.
    public static let trainingSection = "ema.training_parameters"

    /// Starts θ̄ at `values`: the initial parameters θ₀, or the θ̄ a resumed run saved.
    public init(decay: Double, startingAt values: FloatBuffer) {
        precondition(decay > 0 && decay < 1, "an EMA decay is in (0, 1)")
        self.decay = decay
        average = FloatBuffer(uninitializedCount: values.count)
        average.pointer.update(from: values.pointer, count: values.count)
    }

    /// α_t, the decay after step `step` (t ≥ 1).
    public func alpha(atStep step: Int) -> Double {
        min(decay, Double(1 + step) / Double(10 + step))
    }

    /// θ̄ ← α_t·θ̄ + (1 − α_t)·θ, after the optimizer's step `step` (the first is 1).
    /// - Complexity: one pass over two flat buffers, eight lanes at a time; allocates nothing.
    public func update(toward parameters: ParameterStore, step: Int) {
        let count = parameters.count
        precondition(count == average.count && count % 8 == 0, "the average has the store's layout")
        let alphaDouble = alpha(atStep: step)
        let alpha = Float(alphaDouble), beta = Float(1 - alphaDouble)
        let smoothed = average.pointer, theta = parameters.values.pointer
        var k = 0
        while k < count {
            nmt_store8(smoothed + k, nmt_load8(smoothed + k) * alpha + nmt_load8(theta + k) * beta)
            k += 8
        }
    }

    /// Runs `body` with θ̄ in the store's values (dev evaluation), then puts θ back. The two are
    /// exchanged in place, exactly, with no third copy of the parameters.
    public func substituted<T>(into parameters: ParameterStore, _ body: () throws -> T) rethrows -> T {
        exchange(with: parameters)
        defer { exchange(with: parameters) }
        return try body()
    }

    private func exchange(with parameters: ParameterStore) {
        precondition(parameters.count == average.count, "the average has the store's layout")
        let a = average.pointer, b = parameters.values.pointer
        for k in 0..<average.count { let x = a[k]; a[k] = b[k]; b[k] = x }
    }

    /// Sets θ from `last.ckpt`: from `ema.training_parameters` when it is there (a run that
    /// averaged), else from `parameters`.
    /// - Returns: the θ̄ the run saved (its `parameters`), nil when it did not average; a run
    ///   that averages from then on (`train.average` turned on in `config.yaml`) starts θ̄ at θ.
    /// - Throws: `CheckpointError.badSection` for a section that does not fit the store.
    public static func restoreTraining(_ parameters: ParameterStore, from checkpoint: Checkpoint,
                                       path: String) throws -> FloatBuffer? {
        let count = parameters.count
        let saved = try checkpoint.tensor("parameters", counts: [count], path: path)!
        let training = try checkpoint.tensor(trainingSection, counts: [count], path: path)
        parameters.values.pointer.update(from: (training ?? saved).pointer, count: count)
        return training == nil ? nil : saved
    }
}
