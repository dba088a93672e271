#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Maps every line of a `LineBuffer` to a new line on several threads, keeping the order.
///
/// The lines are cut into contiguous chunks (more chunks than threads, so a slow chunk does
/// not leave a core idle); each worker builds its chunk's output into its own buffer with its
/// own state, and the chunks are joined in order at the end.
public enum ParallelLines {
    /// The number of threads to use by default: every core the machine has.
    public static var defaultThreads: Int {
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// - Parameters:
    ///   - makeState: creates one worker's private state (a tokenizer workspace, a cache).
    ///   - transform: appends the output for one input line to `output` (without a line end).
    public static func map<State>(
        _ lines: LineBuffer, threads: Int = defaultThreads, minimumChunk: Int = 256,
        makeState: @escaping @Sendable () -> State,
        transform: @escaping @Sendable (_ index: Int, _ line: UnsafeBufferPointer<UInt8>, _ state: inout State, _ output: inout [UInt8]) -> Void
    ) -> LineBuffer {
        let total = lines.count
        if total == 0 { return LineBuffer() }
        let chunkCount = threads <= 1 ? 1 : min(max(1, total / minimumChunk), threads * 8)
        let slots = Slots(count: chunkCount)
        let work: @Sendable (Int) -> Void = { chunk in
            let start = total * chunk / chunkCount
            let end = total * (chunk + 1) / chunkCount
            var state = makeState()
            var out = LineBuffer()
            var scratch = [UInt8]()
            lines.bytes.withUnsafeBufferPointer { all in
                for i in start..<end {
                    let r = lines.range(i)
                    scratch.removeAll(keepingCapacity: true)
                    transform(i, UnsafeBufferPointer(rebasing: all[r]), &state, &scratch)
                    out.append(scratch)
                }
            }
            slots.set(chunk, out)
        }
        if chunkCount == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunkCount, execute: work)
        }
        var result = LineBuffer()
        result.reserveCapacity(bytes: slots.items.reduce(0) { $0 + ($1?.bytes.count ?? 0) }, lines: total)
        for item in slots.items { result.append(contentsOf: item!) }
        return result
    }

    /// One slot per chunk, each written by exactly one worker before being read.
    private final class Slots: @unchecked Sendable {
        var items: [LineBuffer?]
        private let lock = Lock()
        init(count: Int) { items = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: LineBuffer) {
            lock.withLock { items[i] = value }
        }
    }
}

/// A small pthread mutex.
public final class Lock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    public init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
