import Tensor

extension PackedSequences {
    /// The same sentences read backwards: the padding on the other side, so step t here is step
    /// `steps − 1 − t` there, with the same ranks and the same rows per step (a sentence of length
    /// n is live at S − n ..< S on the left, at 0 ..< n on the right). The bidirectional encoder's
    /// backward direction runs over it and so reads each sentence's real tokens only.
    public var reversed: PackedSequences {
        PackedSequences(lengths: lengths, steps: steps, padding: padding == .left ? .right : .left)
    }

    /// Block t of `source` (packed like `self`) into block `steps − 1 − t` of `destination` (packed
    /// like `reversed`); `accumulate` adds instead of copying. Both [rowCount, columns].
    /// - Complexity: O(rowCount · columns) copies.
    public func reverseSteps(_ source: Matrix, into destination: Matrix, reversed: PackedSequences, accumulate: Bool = false) {
        precondition(source.rows == rowCount && destination.rows == rowCount && source.columns == destination.columns
                     && reversed.steps == steps && reversed.counts.elementsEqual(counts.reversed()),
                     "reverseSteps: [\(source.rows), \(source.columns)] into [\(destination.rows), \(destination.columns)]")
        for t in 0..<steps where counts[t] > 0 {
            let from = block(t, of: source), to = reversed.block(steps - 1 - t, of: destination)
            if accumulate { to.add(from) } else { to.copy(from: from) }
        }
    }
}
