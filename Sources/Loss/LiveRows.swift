import Tensor

/// The rows with nonzero weight (padding is left out entirely): their indices, labels and
/// weights, and their states gathered contiguously for one GEMM. Both losses select rows this way;
/// the sampled softmax keeps one and reselects into it, so that a step allocates nothing after
/// the first.
struct LiveRows {
    private(set) var rows: [Int] = []
    private(set) var labels: [Int32] = []
    private(set) var weights: [Float] = []

    init() {}

    /// Replaces the selection with the `count` rows whose weight is nonzero, keeping the arrays' storage.
    mutating func select(labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>, count: Int, vocabulary: Int) {
        rows.removeAll(keepingCapacity: true)
        self.labels.removeAll(keepingCapacity: true)
        self.weights.removeAll(keepingCapacity: true)
        for i in 0..<count where weights[i] != 0 {
            precondition(labels[i] >= 0 && Int(labels[i]) < vocabulary, "label \(labels[i]) outside the vocabulary of \(vocabulary)")
            rows.append(i)
            self.labels.append(labels[i])
            self.weights.append(weights[i])
        }
    }

    /// The selected rows of `all` [N, H], copied into a [count, H] workspace matrix.
    func gather(_ all: Matrix, workspace: Workspace) -> Matrix {
        let states = workspace.uninitialized(rows: rows.count, columns: all.columns)
        for (i, row) in rows.enumerated() { states.row(i).update(from: all.row(row), count: all.columns) }
        return states
    }

    var count: Int { rows.count }
}
