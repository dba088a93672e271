/// A bump allocator of `Matrix` scratch space for one training or decoding step.
///
/// `matrix(rows:columns:)` hands out the next free floats; `reset()` makes all of them free
/// again. Between resets views never move: a request the arena cannot hold gets an overflow
/// block, and earlier views stay where they are. At `reset()` the arena and its overflow blocks
/// are replaced by one arena as large as the largest step seen (plus an eighth), so the memory
/// held is bounded by the largest step, whatever order steps of different shapes come in. (It
/// used to keep every block it had ever made, placed by the position of a request within its
/// step; steps whose sizes vary with the data, as packed batches do, kept adding blocks, and
/// training's memory grew without end.)
public final class Workspace: @unchecked Sendable {
    /// `blocks[0]` is the arena; any others are overflow blocks of the step in progress.
    private var blocks: [FloatBuffer] = []
    private var used = 0
    /// Floats handed out since the last reset, alignment included.
    private var stepFloats = 0
    /// The most floats any step has taken.
    public private(set) var largestStep = 0
    private let blockSize: Int

    /// - Parameter blockSize: floats of the first arena (later ones follow the largest step).
    public init(blockSize: Int = 1 << 22) {
        self.blockSize = blockSize
    }

    /// A zero-filled `rows × columns` matrix, valid until the next `reset()`.
    public func matrix(rows: Int, columns: Int) -> Matrix {
        let m = uninitialized(rows: rows, columns: columns)
        m.base.initialize(repeating: 0, count: m.count)
        return m
    }

    /// A `rows × columns` matrix whose contents are whatever was there (for outputs written in full).
    public func uninitialized(rows: Int, columns: Int) -> Matrix {
        precondition(rows >= 0 && columns >= 0, "a \(rows) × \(columns) matrix")
        let size = (rows * columns + 15) & ~15      // keep every matrix 64-byte aligned
        stepFloats += size
        if blocks.isEmpty || used + size > blocks[blocks.count - 1].count {
            // The arena is full: an overflow block for the rest of this step (merged at reset).
            blocks.append(FloatBuffer(uninitializedCount: max(size, blocks.isEmpty ? blockSize : stepFloats)))
            used = 0
        }
        let m = Matrix(blocks[blocks.count - 1].pointer + used, rows: rows, columns: columns)
        used += size
        return m
    }

    /// Frees every matrix handed out (their memory is reused by the next requests). After a step
    /// that outgrew the arena, the arena is remade for the largest step (the old blocks are freed
    /// first, so the memory held never exceeds the old blocks or the new arena).
    public func reset() {
        largestStep = max(largestStep, stepFloats)
        if blocks.count > 1 {
            blocks.removeAll()
            blocks.append(FloatBuffer(uninitializedCount: largestStep + largestStep / 8))
        }
        used = 0
        stepFloats = 0
    }

    /// Floats held in all blocks.
    public var capacity: Int { blocks.reduce(0) { $0 + $1.count } }
}
