import Data

/// The rows of the embeddings and of the output layer whose gradients a global batch can make
/// nonzero: the ids it holds (each sorted, without repeats). Every rank draws the same global
/// batch, so every rank knows them without asking the others, and data-parallel training sums
/// only those rows of the three largest matrices instead of all of them (the rest are zero on every
/// rank): for config M, 32,000-row matrices of which a batch touches a few thousand rows.
public struct TouchedRows: Sendable {
    /// Ids in the sources: rows of source.embedding.
    public var source: [Int32]
    /// Ids in the decoder's inputs: rows of target.embedding.
    public var target: [Int32]
    /// Ids in the decoder's targets: rows of output.weight and output.bias (with sampled softmax's
    /// candidates, which every rank draws alike).
    public var labels: [Int32]

    public init(_ batch: Batch) {
        source = Self.distinct(batch.source)
        target = Self.distinct(batch.decoderInput)
        labels = Self.distinct(batch.decoderTarget)
    }

    /// `ids` sorted, without repeats.
    static func distinct(_ ids: [Int32]) -> [Int32] {
        var sorted = ids.sorted()
        var kept = 0
        for i in sorted.indices where i == 0 || sorted[i] != sorted[i - 1] {
            sorted[kept] = sorted[i]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }
}
