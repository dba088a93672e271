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
/// Requests at other settings than the server's (`Settings`: the native API's beam, length
/// penalty, attention) are batched only with requests at the same settings, by a `Translator` of
/// their own that shares the model's parameters; the engine keeps at most `maxTranslators` of them.
///
/// Fair use: a client (an API key, else an address) may hold at most half of `maxQueue` lines
/// waiting (more: 429), so that one client cannot fill the queue for all (503). A request whose
/// client has gone (its connection closed) before its lines are decoded is dropped unread.
///
/// `drain(within:)` (on SIGTERM) refuses new requests and finishes what is queued until its
/// deadline; lines still waiting then get 503.
///
/// The `Translator`s are used by the engine's own thread only; requests wait on continuations.
public final class TranslationEngine: @unchecked Sendable {
    /// What a batch is decoded with; lines at different settings never share a batch.
    public struct Settings: Hashable, Sendable {
        public var beam: Int
        public var lengthPenalty: Double
        /// How many of the beam's translations each line gets: 1, or the beam's K (N best).
        public var nBest: Int
        /// Give each line's best translation its attention (`Translator.Output.attention`).
        public var attention: Bool

        public init(beam: Int, lengthPenalty: Double, nBest: Int = 1, attention: Bool = false) {
            self.beam = beam
            self.lengthPenalty = lengthPenalty
            self.nBest = nBest
            self.attention = attention
        }

        /// The translator decoding at these settings (attention is asked for per call).
        var translatorKey: Settings { Settings(beam: beam, lengthPenalty: lengthPenalty, nBest: nBest) }
    }

    /// Who asks: `name` is what the fair-use limit counts by; `isGone` tells whether the client
    /// has hung up (checked before its lines are decoded).
    public struct Client: Sendable {
        public var name: String
        public var isGone: @Sendable () -> Bool

        public init(name: String, isGone: @escaping @Sendable () -> Bool = { false }) {
            self.name = name
            self.isGone = isGone
        }
    }

    private struct Job {
        let lines: [String]
        let settings: Settings
        let client: Client
        let continuation: CheckedContinuation<[[Translator.Output]], any Error>
    }

    /// Translators kept besides the server's own (least recently used goes first).
    static let maxTranslators = 4

    public let translator: Translator
    /// The server's settings, what requests that ask for none get.
    public let defaults: Settings
    /// Called on the engine's thread after each batch: its lines and their translations.
    private let onBatch: @Sendable (_ lines: Int, _ outputs: [[Translator.Output]]) -> Void
    private var translators: [Settings: Translator] = [:]
    private var lastUsed: [Settings: Int] = [:]
    private var batchesDone = 0
    private let maxBatch: Int
    private let maxWait: TimeInterval
    private let maxQueue: Int
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var queuedLines = 0
    private var queuedByClient: [String: Int] = [:]
    private var stopping = false
    /// Set by `drain(within:)`: lines still queued then are refused.
    private var drainDeadline: Date?

    public init(translator: Translator, maxBatch: Int, maxWaitMilliseconds: Int, maxQueue: Int,
                onBatch: @escaping @Sendable (_ lines: Int, _ outputs: [[Translator.Output]]) -> Void = { _, _ in }) {
        self.translator = translator
        defaults = Settings(beam: translator.search.beam, lengthPenalty: translator.options.lengthPenalty!,
                            nBest: translator.search.nBest)
        self.onBatch = onBatch
        self.maxBatch = maxBatch
        self.maxWait = Double(maxWaitMilliseconds) / 1000
        self.maxQueue = maxQueue
        // The thread holds the engine until run() returns (after stop or drain): with `unowned`,
        // an engine let go before the thread first ran trapped there. Not kept, so no cycle.
        let thread = Thread { [self] in run() }
        thread.name = "nmt-decoder"
        thread.start()
    }

    /// Lines waiting now, all requests together.
    public var queueDepth: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedLines
    }

    /// The translations of `lines` (each well-formed text without newlines), best first: the
    /// settings' N best (1 or K).
    /// - Parameters:
    ///   - settings: nil: the server's.
    ///   - client: who asks (nil: an anonymous client that never hangs up).
    /// - Throws: `ServeError.overloaded` when the queue is full, `.tooManyRequests` when the
    ///   client holds half of it, `.shuttingDown` when draining, `.clientGone` when the client
    ///   hung up before its lines were decoded; `ServeError.badRequest` when a translator for
    ///   `settings` cannot be made (its workspace would not fit in memory).
    public func translate(_ lines: [String], settings: Settings? = nil, client: Client? = nil) async throws -> [[Translator.Output]] {
        guard !lines.isEmpty else { return [] }
        let settings = settings ?? defaults
        let client = client ?? Client(name: "")
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            let clientLines = queuedByClient[client.name, default: 0]
            if stopping {
                continuation.resume(throwing: ServeError.shuttingDown)
            } else if queuedLines > 0 && queuedLines + lines.count > maxQueue {
                continuation.resume(throwing: ServeError.overloaded)
            } else if clientLines > 0 && clientLines + lines.count > maxQueue / 2 {
                continuation.resume(throwing: ServeError.tooManyRequests)
            } else {
                jobs.append(Job(lines: lines, settings: settings, client: client, continuation: continuation))
                queuedLines += lines.count
                queuedByClient[client.name] = clientLines + lines.count
                condition.signal()
            }
        }
    }

    /// Refuses new requests and decodes what is queued for at most `seconds`; lines still
    /// waiting then get `ServeError.shuttingDown`. The thread ends when the queue is empty.
    public func drain(within seconds: TimeInterval) {
        condition.lock()
        stopping = true
        drainDeadline = Date(timeIntervalSinceNow: seconds)
        condition.signal()
        condition.unlock()
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
            guard !batch.isEmpty else { continue }
            let lines = batch.flatMap(\.lines)
            do {
                let settings = batch[0].settings
                let outputs = try translator(for: settings).translations(LineBuffer(lines: lines), attention: settings.attention)
                onBatch(lines.count, outputs)
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

    /// The translator for `settings`: the server's, or one sharing its parameters (made on first
    /// use).
    private func translator(for settings: Settings) throws -> Translator {
        let key = settings.translatorKey
        batchesDone += 1
        if key == defaults.translatorKey { return translator }
        if let kept = translators[key] {
            lastUsed[key] = batchesDone
            return kept
        }
        var options = translator.options
        options.beam = key.beam
        options.lengthPenalty = key.lengthPenalty
        options.nBest = key.nBest
        options.attentionDirectory = nil
        let made: Translator
        do {
            made = try Translator(sharing: translator, options: options)
        } catch {
            throw ServeError.badRequest("Invalid request: cannot decode with beam \(key.beam): \(error)")
        }
        if translators.count >= Self.maxTranslators, let oldest = lastUsed.min(by: { $0.value < $1.value })?.key {
            translators[oldest] = nil
            lastUsed[oldest] = nil
        }
        translators[key] = made
        lastUsed[key] = batchesDone
        return made
    }

    /// Waits for a first job, then up to `maxWait` for others at its settings, and takes jobs at
    /// its settings, in order, up to `maxBatch` lines (nil: stopping with nothing queued). Jobs at
    /// other settings keep their places for the next batches. Jobs whose client has gone, and
    /// all jobs once the drain deadline has passed, are answered with their error here.
    private func nextBatch() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            refuse(where: { $0.client.isGone() }, with: .clientGone)
            if let drainDeadline, Date() >= drainDeadline { refuse(where: { _ in true }, with: .shuttingDown) }
            if !jobs.isEmpty { break }
            if stopping { return nil }
            condition.wait()
        }
        let settings = jobs[0].settings
        func linesLikeFirst() -> Int { jobs.reduce(0) { $0 + ($1.settings == settings ? $1.lines.count : 0) } }
        let deadline = Date(timeIntervalSinceNow: maxWait)
        while linesLikeFirst() < maxBatch && !stopping {
            if !condition.wait(until: deadline) { break }
        }
        if let drainDeadline, Date() >= drainDeadline {
            refuse(where: { _ in true }, with: .shuttingDown)
            return []
        }
        var taken = [Job](), kept = [Job](), count = 0, full = false
        for job in jobs {
            if !full && job.settings == settings && (taken.isEmpty || count + job.lines.count <= maxBatch) {
                taken.append(job)
                count += job.lines.count
            } else {
                if job.settings == settings { full = true }
                kept.append(job)
            }
        }
        jobs = kept
        queuedLines -= count
        for job in taken { dequeued(job) }
        return taken.filter { job in
            guard job.client.isGone() else { return true }
            job.continuation.resume(throwing: ServeError.clientGone)
            return false
        }
    }

    /// Answers the queued jobs that match with `error` and takes them off the queue.
    private func refuse(where matches: (Job) -> Bool, with error: ServeError) {
        guard jobs.contains(where: matches) else { return }
        var kept = [Job]()
        for job in jobs {
            if matches(job) {
                queuedLines -= job.lines.count
                dequeued(job)
                job.continuation.resume(throwing: error)
            } else {
                kept.append(job)
            }
        }
        jobs = kept
    }

    private func dequeued(_ job: Job) {
        let left = queuedByClient[job.client.name, default: 0] - job.lines.count
        queuedByClient[job.client.name] = left > 0 ? left : nil
    }
}
