#if canImport(Glibc)
import Glibc
#endif
import CVectorMath
import ModelFiles
import Tensor

/// Adam (Kingma & Ba 2015) exactly as Keras 3 applies it (`keras.optimizers.Adam`, the peer's
/// optimizer), densely to every parameter:
///
///     t += 1;  m += (g − m)(1 − β1);  v += (g² − v)(1 − β2)
///     α = lr · sqrt(1 − β2^t) / (1 − β1^t);  w −= (m · α) / (sqrt(v) + ε)
///
/// in Float, with Keras' constants: β1^t and β2^t are Float powers, 1 − β is taken in Double
/// (Python floats) then rounded, and ε is added in Float. The fixture test checks this against
/// NumPy float32 arithmetic that `make_loss_fixtures.py --check-tf` matched to Keras 3.15 bit for
/// bit. The moments live in two flat buffers with the parameter store's layout, so one loop over
/// the buffers is one step.
///
/// Not emulated: where TF's gradient is `IndexedSlices` (embedding lookups; output.weight/bias
/// under sampled softmax), Keras squares the slices before merging them, so g² there is
/// Σ_slices g_i² rather than (Σ_slices g_i)² (checked with Keras 3.15: a row looked up twice with
/// gradients 1 and 2 gets v = (1 − β2)·5, not ·9). Here g² is always the merged gradient's square.
public final class Adam: Optimizer {
    /// Keras keeps the learning rate as a float32 variable (schedules change it).
    public var learningRate: Float
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// Updates applied so far (Keras' `iterations`); the next update uses t = step + 1.
    public private(set) var step = 0
    /// m and v, laid out as the store (allocated at the first update, or by `restore`).
    public private(set) var firstMoment = FloatBuffer(count: 0)
    public private(set) var secondMoment = FloatBuffer(count: 0)

    public init(learningRate: Float, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        precondition(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0, "bad Adam hyperparameters")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Replaces the state with a checkpoint's: the step count and both moments (store layout).
    public func restore(step: Int, firstMoment m: UnsafeBufferPointer<Float>, secondMoment v: UnsafeBufferPointer<Float>) {
        precondition(step >= 0 && m.count == v.count, "bad Adam state")
        self.step = step
        firstMoment = FloatBuffer(count: m.count)
        secondMoment = FloatBuffer(count: v.count)
        if m.count > 0 {
            firstMoment.pointer.update(from: m.baseAddress!, count: m.count)
            secondMoment.pointer.update(from: v.baseAddress!, count: v.count)
        }
    }

    /// Writes `adam.step` and the moments `adam.m`, `adam.v` (empty before the first update).
    public func save(into checkpoint: inout Checkpoint) {
        checkpoint.integers.append(("adam.step", [UInt64(step)]))
        checkpoint.tensors.append(("adam.m", firstMoment))
        checkpoint.tensors.append(("adam.v", secondMoment))
    }

    /// Reads what `save` wrote: the three sections together, the moments of the store's size (or
    /// empty at step 0), the step a count. None of them (an SGD run's checkpoint): a new Adam.
    public func restore(from checkpoint: Checkpoint, parameterCount: Int, path: String) throws {
        let hasStep = checkpoint.integers("adam.step") != nil
        let hasMoments = (checkpoint.tensor("adam.m") != nil, checkpoint.tensor("adam.v") != nil)
        if !hasStep && hasMoments == (false, false) { return }
        guard let step = try checkpoint.count("adam.step", path: path),
              let m = try checkpoint.tensor("adam.m", counts: [0, parameterCount], path: path),
              let v = try checkpoint.tensor("adam.v", counts: [m.count], path: path) else {
            let missing = !hasStep ? "adam.step" : !hasMoments.0 ? "adam.m" : "adam.v"
            throw CheckpointError.badSection(path: path, name: missing, reason: "is missing (Adam keeps adam.step, adam.m and adam.v together)")
        }
        // The moments are allocated at the first update, so empty ones belong to step 0 alone.
        guard (m.count == 0) == (step == 0) else {
            throw CheckpointError.badSection(path: path, name: "adam.m", reason: "holds \(m.count) floats at step \(step)")
        }
        withExtendedLifetime((m, v)) {
            restore(step: step, firstMoment: UnsafeBufferPointer(start: m.pointer, count: m.count),
                    secondMoment: UnsafeBufferPointer(start: v.pointer, count: v.count))
        }
    }

    /// One step over every parameter.
    /// - Complexity: one pass over four flat buffers (w, g, m, v), bound by memory bandwidth.
    public func update(_ parameters: ParameterStore) {
        let count = parameters.count
        precondition(count % 8 == 0, "a ParameterLayout's count is a multiple of 16")
        if firstMoment.count != count {
            precondition(step == 0 && firstMoment.count == 0, "Adam state has \(firstMoment.count) floats, the store \(count)")
            firstMoment = FloatBuffer(count: count)
            secondMoment = FloatBuffer(count: count)
        }
        step += 1
        // β^t as the exact power rounded to Float, which is what TF's float32 pow gave for every t
        // checked (NumPy's float32 power is an ulp off for 0.9^4; see make_loss_fixtures.py).
        let beta1Power = Float(pow(Double(Float(beta1)), Double(step)))
        let beta2Power = Float(pow(Double(Float(beta2)), Double(step)))
        let alpha = learningRate * (1 - beta2Power).squareRoot() / (1 - beta1Power)
        let oneMinusBeta1 = Float(1 - beta1), oneMinusBeta2 = Float(1 - beta2), epsilon = Float(self.epsilon)
        let w = parameters.values.pointer, g = parameters.gradients.pointer
        let m = firstMoment.pointer, v = secondMoment.pointer
        // Eight lanes at a time (a layout's count is a multiple of 16). Swift's squareRoot() is a
        // libm call per lane on Linux, which kept this loop scalar; nmt_sqrt8 is one vector
        // instruction (CVectorMath.h), which leaves the loop memory-bound (and no faster on two
        // threads).
        var k = 0
        while k < count {
            let gradient = nmt_load8(g + k)
            var mk = nmt_load8(m + k), vk = nmt_load8(v + k)
            mk += (gradient - mk) * oneMinusBeta1
            vk += (gradient * gradient - vk) * oneMinusBeta2
            nmt_store8(m + k, mk)
            nmt_store8(v + k, vk)
            nmt_store8(w + k, nmt_load8(w + k) - (mk * alpha) / (nmt_sqrt8(vk) + epsilon))
            k += 8
        }
    }
}
