import IO
import Tensor

/// Finite-difference checks of analytic gradients.
///
/// Layer tests difference their own Float forward with the 4-point central stencil
/// f′ ≈ [8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))] / 12h, whose truncation error is O(h⁴): h can
/// then be large (3e-2) next to the Float rounding of f (≈ 1e-7·|f|), which the difference divides
/// by h; the two balance there at ≈ 1e-5 of absolute error. The whole model is differenced in Double,
/// on `ReferenceSeq2Seq` (the peer's padded, masked computation), with the plain central difference
/// at h = 1e-5.
/// Errors are relative to max(|analytic|, |numeric|, floor): for the Float checks the floor is 1e-2,
/// since their differences carry ≈ 1e-5 of absolute error (outputs and gradients are O(1)).
enum GradientCheck {
    /// The worst error of one comparison and where it was.
    struct Report: CustomStringConvertible {
        var worst = 0.0
        var name = ""
        var index = 0
        var analytic = 0.0
        var numeric = 0.0
        var checked = 0

        mutating func add(name: String, index: Int, analytic: Double, numeric: Double, floor: Double) {
            checked += 1
            let error = abs(analytic - numeric) / max(abs(numeric), abs(analytic), floor)
            if error > worst { (worst, self.name, self.index, self.analytic, self.numeric) = (error, name, index, analytic, numeric) }
        }

        mutating func merge(_ other: Report) {
            checked += other.checked
            if other.worst > worst { let checked = self.checked; self = other; self.checked = checked }
        }

        var description: String {
            "worst relative error \(worst) at \(name)[\(index)] (analytic \(analytic), numeric \(numeric)); \(checked) values checked"
        }
    }

    /// Compares `analytic` with the 4-point central difference of `loss` over every value of `values`.
    /// - Parameter floor: the gradient magnitude below which errors count as absolute.
    static func check(name: String, values: Matrix, analytic: [Float], step h: Float = 3e-2, floor: Double = 1e-2,
                      loss: () -> Double) -> Report {
        precondition(analytic.count == values.count)
        var report = Report()
        for i in 0..<values.rows {
            for j in 0..<values.columns {
                let original = values[i, j]
                func at(_ offset: Float) -> Double {
                    values[i, j] = original + offset
                    return loss()
                }
                let numeric = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * Double(h))
                values[i, j] = original
                report.add(name: name, index: i * values.columns + j, analytic: Double(analytic[i * values.columns + j]),
                           numeric: numeric, floor: floor)
            }
        }
        return report
    }

    /// Every parameter of `store` (the padding between tensors excluded).
    static func checkParameters(_ store: ParameterStore, analytic: ParameterStore, step: Float = 3e-2, floor: Double = 1e-2,
                                loss: () -> Double) -> Report {
        var report = Report()
        for view in store.layout.views {
            report.merge(check(name: view.name, values: store.value(view), analytic: analytic.gradient(view).array,
                               step: step, floor: floor, loss: loss))
        }
        return report
    }
}

/// Seeded test data.
struct TestRandom {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Uniform in [-scale, scale).
    mutating func uniform(_ scale: Float = 1) -> Float {
        (2 * Float(generator.next() >> 40) * (1.0 / Float(1 << 24)) - 1) * scale
    }

    mutating func fill(_ matrix: Matrix, scale: Float = 1) {
        for i in 0..<matrix.rows { for j in 0..<matrix.columns { matrix[i, j] = uniform(scale) } }
    }

    mutating func integer(_ range: Range<Int>) -> Int { range.lowerBound + Int(generator.next() % UInt64(range.count)) }
}

extension Matrix {
    /// Σ self ⊙ other in Double (a random linear functional of a layer's output as its test loss).
    func dot(_ other: Matrix) -> Double {
        var sum = 0.0
        for i in 0..<rows { for j in 0..<columns { sum += Double(self[i, j]) * Double(other[i, j]) } }
        return sum
    }
}
