import Tensor

/// The rows of a padded batch that hold tokens, packed time-major with the sentences sorted by
/// length (PyTorch's `PackedSequence`): at every time step the live sentences are a prefix of
/// the sorted order, so a step's rows are one contiguous block and padding is never computed.
///
/// Sentence `b` has rank `rank[b]` in the sorted order; at step `t` it is live when
/// `rank[b] < counts[t]`, and its row is `offsets[t] + rank[b]`.
/// - Left-aligned padding (the encoder's reversed sources, padded on the left): a sentence of
///   length n is live at steps S − n ..< S, so `counts` never decreases.
/// - Right-aligned padding (the decoder): live at steps 0 ..< n, so `counts` never increases.
public struct PackedSequences: Sendable {
    public enum Padding: Sendable { case left, right }

    public let batchSize: Int
    public let steps: Int
    public let padding: Padding
    /// Sentence lengths by batch row.
    public let lengths: [Int]
    /// order[r]: the batch row of rank r (longest first; ties keep batch order).
    public let order: [Int]
    /// rank[b]: the rank of batch row b.
    public let rank: [Int]
    /// offsets[t]: the first packed row of step t; offsets[steps] = `rowCount`.
    public let offsets: [Int]
    /// counts[t]: live sentences at step t.
    public let counts: [Int]

    /// - Parameters: lengths [B] (each in 0...steps); padding: where the padding lies.
    public init(lengths: [Int], steps: Int, padding: Padding) {
        precondition(lengths.allSatisfy { $0 >= 0 && $0 <= steps }, "a length is outside 0...\(steps)")
        batchSize = lengths.count
        self.steps = steps
        self.padding = padding
        self.lengths = lengths
        let order = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        var rank = [Int](repeating: 0, count: lengths.count)
        for (r, b) in order.enumerated() { rank[b] = r }
        self.order = order
        self.rank = rank
        var counts = [Int](repeating: 0, count: steps)
        for length in lengths {
            let live = padding == .left ? (steps - length)..<steps : 0..<length
            for t in live { counts[t] += 1 }
        }
        var offsets = [0]
        offsets.reserveCapacity(steps + 1)
        for t in 0..<steps { offsets.append(offsets[t] + counts[t]) }
        self.counts = counts
        self.offsets = offsets
    }

    /// Lengths of a left-padded id matrix [B, S] (row-major): the tokens after the leading zeros.
    public static func leftPaddedLengths(_ ids: [Int32], rows: Int, columns: Int) -> [Int] {
        (0..<rows).map { b in
            var first = 0
            while first < columns && ids[b * columns + first] == 0 { first += 1 }
            for s in first..<columns { precondition(ids[b * columns + s] != 0, "row \(b) has padding after its first token") }
            return columns - first
        }
    }

    /// Lengths given by weights [B, T] (row-major): one past the last nonzero weight of each row.
    public static func weightedLengths(_ weights: [Float], rows: Int, columns: Int) -> [Int] {
        (0..<rows).map { b in
            var length = columns
            while length > 0 && weights[b * columns + length - 1] == 0 { length -= 1 }
            return length
        }
    }

    /// Packed rows in all.
    public var rowCount: Int { offsets[steps] }

    /// The packed row of batch row `b` at step `t`, or nil when the sentence is not live then.
    @inlinable public func row(batch b: Int, step t: Int) -> Int? {
        rank[b] < counts[t] ? offsets[t] + rank[b] : nil
    }

    /// The step's block of a packed matrix [rowCount, ·].
    @inlinable public func block(_ t: Int, of matrix: Matrix) -> Matrix {
        matrix.rows(offsets[t]..<(offsets[t] + counts[t]))
    }

    /// The values of a padded [B, steps] array at the live positions, in packed row order.
    public func pack<Element>(_ values: [Element]) -> [Element] {
        precondition(values.count == batchSize * steps, "pack: \(values.count) values for \(batchSize)×\(steps)")
        var packed = [Element]()
        packed.reserveCapacity(rowCount)
        for t in 0..<steps {
            for r in 0..<counts[t] { packed.append(values[order[r] * steps + t]) }
        }
        return packed
    }

    /// Copies packed rows [rowCount, ·] into a batch-major matrix [B·steps, ·]: packed row
    /// offsets[t] + r becomes row order[r]·steps + t (padding rows are left as they are).
    public func unpack(_ packed: Matrix, into batchMajor: Matrix) {
        precondition(packed.rows == rowCount && batchMajor.rows == batchSize * steps && packed.columns == batchMajor.columns,
                     "unpack: [\(packed.rows), \(packed.columns)] into [\(batchMajor.rows), \(batchMajor.columns)]")
        for t in 0..<steps {
            for r in 0..<counts[t] {
                batchMajor.row(order[r] * steps + t).update(from: packed.row(offsets[t] + r), count: packed.columns)
            }
        }
    }

    /// The reverse of `unpack`: the live rows of a batch-major matrix into packed order.
    public func pack(_ batchMajor: Matrix, into packed: Matrix) {
        precondition(packed.rows == rowCount && batchMajor.rows == batchSize * steps && packed.columns == batchMajor.columns,
                     "pack: [\(batchMajor.rows), \(batchMajor.columns)] into [\(packed.rows), \(packed.columns)]")
        for t in 0..<steps {
            for r in 0..<counts[t] {
                packed.row(offsets[t] + r).update(from: batchMajor.row(order[r] * steps + t), count: packed.columns)
            }
        }
    }
}
