import Tensor

/// The output projection and the full softmax cross-entropy (the TF tutorial's
/// `sparse_softmax_cross_entropy_with_logits` masked by `target_weights`):
/// logits = h̃·Wᵀ + b, CE = log Σ_v e^{logit_v} − logit_label.
/// Rows with weight 0 are left out entirely (no logits), as they contribute nothing.
public struct SoftmaxCrossEntropy: TokenLoss, Sendable {
    public let weight: ParameterView      // output.weight [V, H]
    public let bias: ParameterView        // output.bias [1, V]

    public init(weight: ParameterView, bias: ParameterView) {
        precondition(bias.rows == 1 && bias.columns == weight.rows, "output bias must be [1, \(weight.rows)]")
        self.weight = weight
        self.bias = bias
    }

    /// - Complexity: 6·n·V·H floating-point operations for the n rows with nonzero weight.
    public func forwardBackward(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>, scale: Float,
                                parameters: ParameterStore, workspace: Workspace) -> (loss: Double, dStates: Matrix) {
        let live = LiveRows(states: states, labels: labels, weights: weights, workspace: workspace)
        let dStates = workspace.matrix(rows: states.rows, columns: states.columns)
        guard live.count > 0 else { return (0, dStates) }
        let logits = self.logits(live.states, parameters: parameters, workspace: workspace)
        let loss = live.labels.withUnsafeBufferPointer { labels in
            live.weights.withUnsafeBufferPointer { weights in
                nmt_softmax_cross_entropy(Int32(logits.rows), Int32(logits.columns), logits.base, Int32(logits.stride),
                                          labels.baseAddress!, weights.baseAddress!, scale, 1)
            }
        }
        // logits now hold dL/dlogits.
        GEMM.multiply(logits, transposeA: true, live.states, into: parameters.gradient(weight), beta: 1)
        nmt_add_column_sums(Int32(logits.rows), Int32(logits.columns), logits.base, Int32(logits.stride),
                            parameters.gradient(bias).base)
        let dLive = workspace.uninitialized(rows: live.count, columns: states.columns)
        GEMM.multiply(logits, parameters.value(weight), into: dLive)
        for (i, row) in live.rows.enumerated() { dStates.row(row).update(from: dLive.row(i), count: states.columns) }
        return (loss * Double(scale), dStates)
    }

    public func evaluate(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
                         parameters: ParameterStore, workspace: Workspace) -> (crossEntropy: Double, weight: Double) {
        let live = LiveRows(states: states, labels: labels, weights: weights, workspace: workspace)
        guard live.count > 0 else { return (0, 0) }
        let logits = self.logits(live.states, parameters: parameters, workspace: workspace)
        let crossEntropy = live.labels.withUnsafeBufferPointer { labels in
            live.weights.withUnsafeBufferPointer { weights in
                nmt_softmax_cross_entropy(Int32(logits.rows), Int32(logits.columns), logits.base, Int32(logits.stride),
                                          labels.baseAddress!, weights.baseAddress!, 1, 0)
            }
        }
        return (crossEntropy, live.weights.reduce(0) { $0 + Double($1) })
    }

    /// logits = states·Wᵀ + b [rows, V] in the workspace.
    func logits(_ states: Matrix, parameters: ParameterStore, workspace: Workspace) -> Matrix {
        let logits = workspace.uninitialized(rows: states.rows, columns: weight.rows)
        nmt_broadcast_row(Int32(logits.rows), Int32(logits.columns), parameters.value(bias).base, logits.base, Int32(logits.stride))
        GEMM.multiply(states, parameters.value(weight), transposeB: true, into: logits, beta: 1)
        return logits
    }
}

/// The rows with nonzero weight, gathered: their states (contiguous, for one GEMM), labels and weights.
struct LiveRows {
    var rows: [Int] = []
    var labels: [Int32] = []
    var weights: [Float] = []
    var states: Matrix

    init(states all: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>, workspace: Workspace) {
        for i in 0..<all.rows where weights[i] != 0 {
            rows.append(i)
            self.labels.append(labels[i])
            self.weights.append(weights[i])
        }
        states = workspace.uninitialized(rows: rows.count, columns: all.columns)
        for (i, row) in rows.enumerated() { states.row(i).update(from: all.row(row), count: all.columns) }
    }

    var count: Int { rows.count }
}
