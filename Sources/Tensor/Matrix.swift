/// A row-major view of `rows × columns` `Float`s: row `i` starts at `base + i * stride`.
///
/// A view owns nothing: it points into a `FloatBuffer` (a `ParameterStore`, a `Workspace`) that
/// must outlive it. Taking rows or columns gives another view without copying, so a layer can
/// hand out the four gate blocks of an LSTM pre-activation, or one time step of a batch.
public struct Matrix: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let columns: Int
    /// Distance in floats between the starts of two rows (≥ `columns`).
    public let stride: Int

    @inlinable
    public init(_ base: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int? = nil) {
        precondition(rows >= 0 && columns >= 0 && (stride ?? columns) >= columns, "bad matrix shape")
        self.base = base
        self.rows = rows
        self.columns = columns
        self.stride = stride ?? columns
    }

    public var count: Int { rows * columns }
    public var isContiguous: Bool { stride == columns || rows <= 1 }

    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        get { base[row * stride + column] }
        nonmutating set { base[row * stride + column] = newValue }
    }

    /// Pointer to the first element of row `i`.
    @inlinable public func row(_ i: Int) -> UnsafeMutablePointer<Float> { base + i * stride }

    /// Rows `range` (a view).
    @inlinable public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows)
        return Matrix(base + range.lowerBound * stride, rows: range.count, columns: columns, stride: stride)
    }

    /// Columns `range` of every row (a view with the same stride).
    @inlinable public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns)
        return Matrix(base + range.lowerBound, rows: rows, columns: range.count, stride: stride)
    }

    /// The same contiguous floats seen as another shape.
    public func reshaped(rows newRows: Int, columns newColumns: Int) -> Matrix {
        precondition(isContiguous && newRows * newColumns == count, "reshape needs a contiguous matrix of the same size")
        return Matrix(base, rows: newRows, columns: newColumns)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        for i in 0..<rows {
            let r = row(i)
            for j in 0..<columns { r[j] = value }
        }
    }

    /// Copies `source` (same shape) into this view.
    public func copy(from source: Matrix) {
        precondition(source.rows == rows && source.columns == columns, "copy between different shapes")
        for i in 0..<rows { row(i).update(from: source.row(i), count: columns) }
    }

    /// self += scale · other (same shape).
    public func add(_ other: Matrix, scale: Float = 1) {
        precondition(other.rows == rows && other.columns == columns, "add of different shapes")
        for i in 0..<rows {
            let a = row(i), b = other.row(i)
            for j in 0..<columns { a[j] += scale * b[j] }
        }
    }

    /// The elements as an array, row by row (for tests and checkpoints).
    public var array: [Float] {
        var out = [Float]()
        out.reserveCapacity(count)
        for i in 0..<rows { out.append(contentsOf: UnsafeBufferPointer(start: row(i), count: columns)) }
        return out
    }

    /// Copies `values` (row by row) into this view.
    public func set(_ values: [Float]) {
        precondition(values.count == count, "set: \(values.count) values for \(rows)×\(columns)")
        for i in 0..<rows {
            values.withUnsafeBufferPointer { row(i).update(from: $0.baseAddress! + i * columns, count: columns) }
        }
    }
}
