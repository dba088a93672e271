/// A bump allocator of `Matrix` scratch space for one training or decoding step.
///
/// `matrix(rows:columns:)` hands out the next free floats; `reset()` makes all of them free
/// again without releasing memory. Blocks are never moved, so earlier views stay valid when a
/// new block is added. After the first step of a given shape (a bucket), a step allocates
/// nothing: the blocks it needs are already there.
public final class Workspace: @unchecked Sendable {
    private var blocks: [FloatBuffer] = []
    private var block = 0
    private var used = 0
    private let blockSize: Int

    /// - Parameter blockSize: floats per block (a request larger than this gets a block of its own).
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
        let size = (rows * columns + 15) & ~15      // keep every matrix 64-byte aligned
        while true {
            if block < blocks.count {
                if used + size <= blocks[block].count {
                    let m = Matrix(blocks[block].pointer + used, rows: rows, columns: columns)
                    used += size
                    return m
                }
                if used == 0 && size > blocks[block].count {
                    blocks.insert(FloatBuffer(count: size), at: block)   // an oversized request
                    continue
                }
                block += 1
                used = 0
            } else {
                blocks.append(FloatBuffer(count: max(size, blockSize)))
            }
        }
    }

    /// Frees every matrix handed out (their memory is reused by the next requests).
    public func reset() {
        block = 0
        used = 0
    }

    /// Floats held in all blocks.
    public var capacity: Int { blocks.reduce(0) { $0 + $1.count } }
}
