#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Maps every line of a `LineBuffer` to a new line on several threads, keeping the order.
///
/// The lines are cut into contiguous chunks, more chunks than threads so that a slow chunk does
/// not leave a core idle for long. Worker `w` takes chunks `w, w + threads, …` with one private
/// state (a tokenizer workspace, a BPE cache) that it keeps from chunk to chunk and, through a
/// `LineMapper`, from one block of a stream to the next: a cache warmed on the first block serves
/// the rest. Chunks are joined in order at the end.
public final class LineMapper<State>: @unchecked Sendable {
    public let threads: Int
    private var states: [State]

    public init(threads: Int = ParallelLines.defaultThreads, makeState: () -> State) {
        self.threads = max(1, threads)
        states = (0..<max(1, threads)).map { _ in makeState() }
    }

    /// - Parameter transform: appends the output for one input line to `output` (no line end).
    public func map(
        _ lines: LineBuffer, minimumChunk: Int = 256,
        _ transform: (_ index: Int, _ line: UnsafeBufferPointer<UInt8>, _ state: inout State, _ output: inout [UInt8]) -> Void
    ) -> LineBuffer {
        let total = lines.count
        if total == 0 { return LineBuffer() }
        let workers = min(threads, max(1, total / minimumChunk))
        let chunkCount = workers == 1 ? 1 : workers * 4
        var chunks = [LineBuffer](repeating: LineBuffer(), count: chunkCount)
        withoutActuallyEscaping(transform) { transform in
            states.withUnsafeMutableBufferPointer { states in
                chunks.withUnsafeMutableBufferPointer { chunks in
                    nonisolated(unsafe) let states = states, chunks = chunks, transform = transform
                    let work: @Sendable (Int) -> Void = { worker in
                        var scratch = [UInt8]()
                        lines.bytes.withUnsafeBufferPointer { all in
                            for chunk in stride(from: worker, to: chunkCount, by: workers) {
                                var out = LineBuffer()
                                for i in (total * chunk / chunkCount)..<(total * (chunk + 1) / chunkCount) {
                                    scratch.removeAll(keepingCapacity: true)
                                    transform(i, UnsafeBufferPointer(rebasing: all[lines.range(i)]), &states[worker], &scratch)
                                    out.append(scratch)
                                }
                                chunks[chunk] = out
                            }
                        }
                    }
                    if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                }
            }
        }
        var result = LineBuffer()
        result.reserveCapacity(bytes: chunks.reduce(0) { $0 + $1.bytes.count }, lines: total)
        for chunk in chunks { result.append(contentsOf: chunk) }
        return result
    }
}

/// One-shot parallel maps over lines (see `LineMapper` to keep worker state between calls).
public enum ParallelLines {
    /// The number of threads to use by default: every core the machine has.
    public static var defaultThreads: Int {
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// - Parameters:
    ///   - makeState: creates one worker's private state.
    ///   - transform: appends the output for one input line to `output` (without a line end).
    public static func map<State>(
        _ lines: LineBuffer, threads: Int = defaultThreads,
        makeState: () -> State,
        transform: (_ index: Int, _ line: UnsafeBufferPointer<UInt8>, _ state: inout State, _ output: inout [UInt8]) -> Void
    ) -> LineBuffer {
        LineMapper(threads: threads, makeState: makeState).map(lines, transform)
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
