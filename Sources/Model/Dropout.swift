import IO
import Tensor

/// Inverted dropout (Srivastava et al. 2014; Zaremba et al. 2014 between LSTM layers): when
/// training, each value is kept with probability 1 − p and scaled by 1/(1 − p), so evaluation
/// needs no rescaling.
public enum Dropout {
    /// into = mask ⊙ values (forward), or the same for the gradients (backward).
    public static func apply(_ mask: Matrix, to values: Matrix, into destination: Matrix, accumulate: Bool = false) {
        precondition(mask.rows == values.rows && mask.columns == values.columns
                     && destination.rows == values.rows && destination.columns == values.columns, "dropout shapes differ")
        nmt_multiply(Int32(values.rows), Int32(values.columns), mask.base, Int32(mask.stride), values.base, Int32(values.stride),
                     destination.base, Int32(destination.stride), accumulate ? 1 : 0)
    }
}

/// Where a training step's dropout masks come from. The mask of sentence g of the global batch at
/// position t of site s (a layer's input, in the encoder or the decoder) is drawn from a stream
/// of its own, seeded by (step seed, s, t, g): it does not depend on which sentences share the
/// batch, on how the rows are packed, nor on how data-parallel training splits the batch among
/// ranks (rank r's slice starts at global row `firstRow`), so N ranks drop what one process drops.
public struct DropoutStream: Sendable {
    /// The step's seed.
    public var seed: UInt64
    /// The global batch row of this batch's row 0.
    public var firstRow: Int

    public init(seed: UInt64, firstRow: Int = 0) {
        self.seed = seed
        self.firstRow = firstRow
    }

    /// The site of encoder layer l's input (l ≥ 1).
    public static func encoder(layer l: Int) -> Int { l }
    /// The site of decoder layer l's input (l ≥ 1).
    public static func decoder(layer l: Int) -> Int { 1 << 16 | l }

    /// A packed [rowCount, columns] mask of 0 and 1/(1 − probability) for `site`.
    public func mask(site: Int, packing: PackedSequences, columns: Int, probability: Float, workspace: Workspace) -> Matrix {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) outside [0, 1)")
        let mask = workspace.uninitialized(rows: packing.rowCount, columns: columns)
        let keep = 1 / (1 - probability)
        let threshold = UInt64(Double(probability) * 0x1p53)
        for t in 0..<packing.steps {
            for r in 0..<packing.counts[t] {
                let row = mask.row(packing.offsets[t] + r)
                var random = SplitMix64(seed: rowSeed(site: site, position: t, row: firstRow + packing.order[r]))
                for c in 0..<columns { row[c] = (random.next() >> 11) < threshold ? 0 : keep }
            }
        }
        return mask
    }

    /// The seed of one row's stream: the step's seed and the row's coordinates, each mixed in by
    /// SplitMix64's finalizer so that nearby coordinates give unrelated streams.
    func rowSeed(site: Int, position t: Int, row g: Int) -> UInt64 {
        let h = Self.mixed(Self.mixed(Self.mixed(seed) ^ UInt64(site)) ^ UInt64(t))
        return Self.mixed(h ^ UInt64(g))
    }

    private static func mixed(_ x: UInt64) -> UInt64 {
        var random = SplitMix64(seed: x)
        return random.next()
    }
}
