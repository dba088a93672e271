import Dispatch
import Tensor

/// Runs an element-wise loop over a flat parameter buffer, split into contiguous halves on two
/// threads when the buffer is large. The optimizer and clipping loops stream four buffers of up
/// to 50 M floats each and are memory-bound; a second core adds bandwidth (measured in
/// `Adam`'s doc comment).
enum FlatLoop {
    /// Below this many elements one thread is faster than waking a second one.
    static let minimumPerThread = 1 << 18

    /// Calls `body` on disjoint ranges covering 0..<count, at most `GEMM.threads` at once, and
    /// returns when all are done. `body` must only touch its own range.
    static func run(count: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(GEMM.threads, count / minimumPerThread))
        if parts == 1 {
            body(0..<count)
            return
        }
        // Chunk bounds on 16-float (cache line) multiples, so two threads never share a line.
        let chunk = ((count + parts - 1) / parts + 15) & ~15
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let start = min(part * chunk, count)
                task.value(start..<min(start + chunk, count))
            }
        }
    }

    /// Sums `body`'s Double results over ranges that split 0..<count as `run` does.
    static func sum(count: Int, _ body: (Range<Int>) -> Double) -> Double {
        let parts = max(1, min(GEMM.threads, count / minimumPerThread))
        if parts == 1 { return body(0..<count) }
        let chunk = ((count + parts - 1) / parts + 15) & ~15
        var partial = [Double](repeating: 0, count: parts)
        partial.withUnsafeMutableBufferPointer { partial in
            let out = UncheckedSendable(partial.baseAddress!)
            withoutActuallyEscaping(body) { body in
                let task = UncheckedSendable(body)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let start = min(part * chunk, count)
                    out.value[part] = task.value(start..<min(start + chunk, count))
                }
            }
        }
        return partial.reduce(0, +)       // in part order: the same sum on every run
    }
}

/// Carries a closure or pointer into `concurrentPerform`, whose iterations touch disjoint ranges.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
