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
        var live = LiveRows()
        live.select(labels: labels, weights: weights, count: states.rows, vocabulary: weight.rows)
        let liveStates = live.gather(states, workspace: workspace)
        let dStates = workspace.matrix(rows: states.rows, columns: states.columns)
        guard live.count > 0 else { return (0, dStates) }
        let logits = self.logits(liveStates, parameters: parameters, workspace: workspace)
        let loss = live.labels.withUnsafeBufferPointer { labels in
            live.weights.withUnsafeBufferPointer { weights in
                nmt_softmax_cross_entropy(Int32(logits.rows), Int32(logits.columns), logits.base, Int32(logits.stride),
                                          parameters.value(bias).base, labels.baseAddress!, weights.baseAddress!, scale, 1,
                                          parameters.gradient(bias).base)
            }
        }
        // The logits now hold dL/dlogits (and the bias gradient has their column sums).
        GEMM.multiply(logits, transposeA: true, liveStates, into: parameters.gradient(weight), beta: 1)
        let dLive = workspace.uninitialized(rows: live.count, columns: states.columns)
        GEMM.multiply(logits, parameters.value(weight), into: dLive)
        for (i, row) in live.rows.enumerated() { dStates.row(row).update(from: dLive.row(i), count: states.columns) }
        return (loss * Double(scale), dStates)
    }

    public func evaluate(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
                         parameters: ParameterStore, workspace: Workspace) -> (crossEntropy: Double, weight: Double) {
        evaluate(states: states, labels: labels, weights: weights, parameters: parameters, workspace: workspace,
                 rowsPerBlock: .max)
    }

    /// `evaluate`, with the logits of at most `rowsPerBlock` rows at a time ([rowsPerBlock, V] of
    /// workspace instead of [rows, V]): the sampled softmax evaluates this way, having no [rows, V]
    /// block of its own to reuse.
    func evaluate(states: Matrix, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
                  parameters: ParameterStore, workspace: Workspace, rowsPerBlock: Int) -> (crossEntropy: Double, weight: Double) {
        var live = LiveRows()
        live.select(labels: labels, weights: weights, count: states.rows, vocabulary: weight.rows)
        let liveStates = live.gather(states, workspace: workspace)
        guard live.count > 0 else { return (0, 0) }
        let block = min(rowsPerBlock, live.count)
        let logits = workspace.uninitialized(rows: block, columns: weight.rows)
        var crossEntropy = 0.0
        live.labels.withUnsafeBufferPointer { labels in
            live.weights.withUnsafeBufferPointer { weights in
                for start in stride(from: 0, to: live.count, by: block) {
                    let count = min(block, live.count - start), z = logits.rows(0..<count)
                    GEMM.multiply(liveStates.rows(start..<(start + count)), parameters.value(weight), transposeB: true, into: z)
                    crossEntropy += nmt_softmax_cross_entropy(Int32(count), Int32(z.columns), z.base, Int32(z.stride),
                                                              parameters.value(bias).base, labels.baseAddress! + start,
                                                              weights.baseAddress! + start, 1, 0, nil)
                }
            }
        }
        return (crossEntropy, live.weights.reduce(0) { $0 + Double($1) })
    }

    /// states·Wᵀ [rows, V] in the workspace (the softmax kernel adds the bias).
    func logits(_ states: Matrix, parameters: ParameterStore, workspace: Workspace) -> Matrix {
        let logits = workspace.uninitialized(rows: states.rows, columns: weight.rows)
        GEMM.multiply(states, parameters.value(weight), transposeB: true, into: logits)
        return logits
    }
}
