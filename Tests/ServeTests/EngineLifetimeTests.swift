import Foundation
import ModelFiles
import Serve
import Testing
import Translation

/// The engine's decoding thread and the engine's own lifetime.
@Suite struct EngineLifetimeTests {
    /// An engine stopped and let go at once: its thread holds it until it has seen the stop (it
    /// used to capture the engine `unowned`, and trapped when the engine was gone before the thread
    /// first ran), and then lets it go (the engine holds no reference back to the thread: no cycle).
    @Test func engineLetGoRightAfterStopEndsAndIsFreed() throws {
        var options = TranslationOptions()
        options.quiet = true
        let translator = try Translator(directory: try ModelDirectory(path: ServeTests.model), options: options)
        final class Weak: @unchecked Sendable { weak var engine: TranslationEngine? }
        let probes = (0..<20).map { _ in Weak() }
        for probe in probes {
            let engine = TranslationEngine(translator: translator, maxBatch: 8, maxWaitMilliseconds: 10, maxQueue: 16)
            probe.engine = engine
            engine.stop()
        }
        let deadline = Date(timeIntervalSinceNow: 10)
        while probes.contains(where: { $0.engine != nil }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let alive = probes.filter { $0.engine != nil }.count
        #expect(alive == 0, "\(alive) of \(probes.count) stopped engines still alive after 10 s")
    }
}
