import Tensor

/// A lookup table of token embeddings: row `id` of `table` [vocabulary, embedding].
public struct Embedding: Sendable {
    public let table: ParameterView

    public init(table: ParameterView) { self.table = table }

    /// output row i = table[ids[i]].
    /// - Parameters: ids [rows]; output [rows, embedding] (any stride, e.g. the first columns of
    ///   an LSTM's input block).
    public func forward(ids: UnsafeBufferPointer<Int32>, into output: Matrix, parameters: ParameterStore) {
        precondition(output.columns == table.columns, "embedding output has \(output.columns) columns, expected \(table.columns)")
        precondition(ids.count == output.rows, "embedding: \(ids.count) ids for \(output.rows) rows")
        let values = parameters.value(table)
        for i in 0..<output.rows {
            let id = Int(ids[i])
            precondition(id >= 0 && id < table.rows, "token id \(id) outside the vocabulary of \(table.rows)")
            output.row(i).update(from: values.row(id), count: table.columns)
        }
    }

    /// Adds dOutput row i into the gradient row of ids[i]; rows of ids not in the batch are untouched.
    /// - Parameters: ids [rows]; dOutput [rows, embedding].
    public func backward(ids: UnsafeBufferPointer<Int32>, dOutput: Matrix, parameters: ParameterStore) {
        precondition(dOutput.columns == table.columns, "embedding gradient has \(dOutput.columns) columns, expected \(table.columns)")
        precondition(ids.count == dOutput.rows, "embedding: \(ids.count) ids for \(dOutput.rows) rows")
        let gradients = parameters.gradient(table)
        let columns = table.columns
        for i in 0..<dOutput.rows {
            let target = gradients.row(Int(ids[i])), source = dOutput.row(i)
            for j in 0..<columns { target[j] += source[j] }
        }
    }
}
