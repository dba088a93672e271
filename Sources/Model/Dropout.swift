import IO
import Tensor

/// Inverted dropout (Srivastava et al. 2014; Zaremba et al. 2014 between LSTM layers): when
/// training, each value is kept with probability 1 − p and scaled by 1/(1 − p), so evaluation
/// needs no rescaling.
public enum Dropout {
    /// A [rows, columns] mask of 0 and 1/(1 − probability), drawn from `random`.
    public static func mask(rows: Int, columns: Int, probability: Float, random: inout SplitMix64,
                            workspace: Workspace) -> Matrix {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) outside [0, 1)")
        let mask = workspace.uninitialized(rows: rows, columns: columns)
        let keep = 1 / (1 - probability)
        let threshold = UInt64(Double(probability) * 0x1p53)
        for i in 0..<mask.count { mask.base[i] = (random.next() >> 11) < threshold ? 0 : keep }
        return mask
    }

    /// into = mask ⊙ values (forward), or the same for the gradients (backward).
    public static func apply(_ mask: Matrix, to values: Matrix, into destination: Matrix, accumulate: Bool = false) {
        precondition(mask.rows == values.rows && mask.columns == values.columns
                     && destination.rows == values.rows && destination.columns == values.columns, "dropout shapes differ")
        nmt_multiply(Int32(values.rows), Int32(values.columns), mask.base, Int32(mask.stride), values.base, Int32(values.stride),
                     destination.base, Int32(destination.stride), accumulate ? 1 : 0)
    }
}
