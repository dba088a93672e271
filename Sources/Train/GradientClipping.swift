import CVectorMath
import Tensor

/// TensorFlow's `tf.clip_by_global_norm` over the whole gradient buffer (every parameter's
/// gradient is one tensor of the list; the zero padding between tensors adds nothing).
public enum GradientClipping {
    /// A gradient TF holds as `IndexedSlices` (an embedding lookup's, sampled softmax's output
    /// rows): TF's global norm adds the squares of the slices as they are, one per looked-up row,
    /// instead of those of the merged rows in the store. `squaredNorm` is that sum for `views`.
    public struct Slices: Sendable {
        public var views: [ParameterView]
        public var squaredNorm: Double
        public init(views: [ParameterView], squaredNorm: Double) {
            self.views = views
            self.squaredNorm = squaredNorm
        }
    }

    /// norm = sqrt(Σ g²) over `parameters.gradients`; every gradient is multiplied by
    /// maxNorm · min(1/norm, 1/maxNorm), TF's scale, which leaves them unchanged when
    /// norm ≤ maxNorm. As in TF, a norm that is infinite or NaN makes every gradient NaN, so
    /// the caller should check the returned norm before applying the step.
    ///
    /// With `slices`, the squares of those views' merged rows are replaced by each `Slices`'
    /// `squaredNorm`, which makes the norm TF's when TF's gradients of those views are
    /// `IndexedSlices` (the peer's sampled softmax: pass `SampledSoftmax.sliceSquaredNorm` for
    /// output.weight and output.bias). The scaling still applies to the merged rows, as TF's
    /// optimizer merges the slices before it applies them.
    /// - Returns: the norm before clipping (TF's second output, `global_norm`).
    /// - Complexity: one or two passes over the gradient buffer.
    @discardableResult
    public static func clipByGlobalNorm(_ parameters: ParameterStore, maxNorm: Float, slices: [Slices] = []) -> Float {
        precondition(maxNorm > 0, "maxNorm must be positive")
        let g = parameters.gradients.pointer
        // The dense part: the buffer outside the sliced views, visited in offset order (by
        // selection: a handful of views, and no array allocated per step).
        var squares = 0.0, start = 0
        while let view = nextView(in: slices, from: start) {
            squares += globalSquaredNorm(g + start, count: view.offset - start)
            start = view.offset + view.count
        }
        squares += globalSquaredNorm(g + start, count: parameters.count - start)
        for sliced in slices { squares += sliced.squaredNorm }
        let norm = Float(squares.squareRoot())
        var scale = maxNorm * min(1 / norm, 1 / maxNorm)
        if !norm.isFinite { scale = .nan }
        if scale != 1 {
            for k in 0..<parameters.count { g[k] *= scale }
        }
        return norm
    }

    /// The sliced view with the smallest offset at or after `start`.
    private static func nextView(in slices: [Slices], from start: Int) -> ParameterView? {
        var next: ParameterView? = nil
        for sliced in slices {
            for view in sliced.views where view.offset >= start && view.offset < (next?.offset ?? Int.max) { next = view }
        }
        return next
    }

    /// Σ x², summed in Double (TF sums in Float; this is the more exact of the two): Float partial
    /// sums in eight lanes over blocks of 4096, each block's total added in Double. Not
    /// `addProduct`, which without FMA in the target is a call to fmaf per lane (several times slower).
    static func globalSquaredNorm(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var total = 0.0
        var start = 0
        while start < count {
            let end = min(start + 4096, count)
            var lanes = SIMD8<Float>()
            var k = start
            while k + 8 <= end {
                let chunk = nmt_load8(x + k)
                lanes += chunk * chunk
                k += 8
            }
            var block = Double(lanes.sum())
            while k < end { block += Double(x[k] * x[k]); k += 1 }
            total += block
            start = end
        }
        return total
    }
}
