#if canImport(Glibc)
import Glibc
#endif

/// One owned, 64-byte-aligned allocation of `Float`s, zero-filled (unless made with
/// `uninitializedCount`), freed with the object.
///
/// A final class so that views (`Matrix`) into it stay valid for as long as it lives; nothing
/// ever reallocates it.
public final class FloatBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public convenience init(count: Int) {
        self.init(uninitializedCount: count)
        zero()
    }

    /// A buffer whose contents are whatever the allocator gives (scratch space written before it
    /// is read): pages of a large one become resident only where they are written.
    public init(uninitializedCount count: Int) {
        self.count = count
        var raw: UnsafeMutableRawPointer? = nil
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        precondition(posix_memalign(&raw, 64, (bytes + 63) & ~63) == 0, "out of memory allocating \(bytes) bytes")
        pointer = raw!.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { free(pointer) }

    /// The whole buffer as one row.
    public var matrix: Matrix { Matrix(pointer, rows: 1, columns: count) }

    public func zero() { memset(pointer, 0, count * MemoryLayout<Float>.stride) }
}
