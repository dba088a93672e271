import Foundation
import IO
import LibreTranslate
import Translation

/// The server's one decoder. Lines of concurrent requests that arrive within `maxWait` of the
/// first are translated together, up to `maxBatch` lines (a request's lines are never split
/// between batches; one request may exceed `maxBatch` alone), and each request gets its own lines
/// back in order. A line's translation does not depend on what it is batched with (the searches'
/// batch invariance), so it is what `nmt translate` gives for it at the same settings.
///
/// The `Translator` is used by the engine's own thread only; requests wait on continuations.
public final class TranslationEngine: @unchecked Sendable {
    private struct Job {
        let lines: [String]
        let continuation: CheckedContinuation<[[Translator.Output]], any Error>
    }

    public let translator: Translator
    private let maxBatch: Int
    private let maxWait: TimeInterval
    private let maxQueue: Int
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var queuedLines = 0
    private var stopping = false
    private var thread: Thread?

    public init(translator: Translator, maxBatch: Int, maxWaitMilliseconds: Int, maxQueue: Int) {
        self.translator = translator
        self.maxBatch = maxBatch
        self.maxWait = Double(maxWaitMilliseconds) / 1000
        self.maxQueue = maxQueue
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "nmt-decoder"
        self.thread = thread
        thread.start()
    }

    /// Lines waiting now, all requests together.
    public var queueDepth: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedLines
    }

    /// The translations of `lines` (each well-formed text without newlines), best first.
    /// - Throws: `ServeError.overloaded` when the queue is full.
    public func translate(_ lines: [String]) async throws -> [[Translator.Output]] {
        guard !lines.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !stopping, queuedLines + lines.count <= maxQueue || queuedLines == 0 else {
                continuation.resume(throwing: ServeError.overloaded)
                return
            }
            jobs.append(Job(lines: lines, continuation: continuation))
            queuedLines += lines.count
            condition.signal()
        }
    }

    /// Finishes what is queued, then the thread ends.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while let batch = nextBatch() {
            let lines = batch.flatMap(\.lines)
            do {
                let outputs = try translator.translations(LineBuffer(lines: lines))
                var start = 0
                for job in batch {
                    job.continuation.resume(returning: Array(outputs[start..<(start + job.lines.count)]))
                    start += job.lines.count
                }
            } catch {
                for job in batch { job.continuation.resume(throwing: error) }
            }
        }
    }

    /// Waits for a first job, then up to `maxWait` for others, and takes jobs up to `maxBatch`
    /// lines (nil: stopping with nothing queued).
    private func nextBatch() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty {
            if stopping { return nil }
            condition.wait()
        }
        let deadline = Date(timeIntervalSinceNow: maxWait)
        while queuedLines < maxBatch && !stopping {
            if !condition.wait(until: deadline) { break }
        }
        var taken = [Job](), count = 0
        while let job = jobs.first, taken.isEmpty || count + job.lines.count <= maxBatch {
            taken.append(jobs.removeFirst())
            count += job.lines.count
        }
        queuedLines -= count
        return taken
    }
}
