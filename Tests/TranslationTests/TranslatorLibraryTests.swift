import Foundation
import IO
import ModelFiles
import Testing
import TestSupport
import Translation

/// `Translator` as a program that links the library uses it (README, Examples/TranslateLine): the
/// fixture model loaded once, lines in, each line's N best out.
@Suite struct TranslatorLibraryTests {
    static let model = NmtProcess.root.appendingPathComponent("Tests/Fixtures/translation/general").path
    static let lines = ["This package provides the library.", "", "It contains the development files.",
                        "The documentation of the library is in this package."]

    static func translator() throws -> Translator {
        var options = TranslationOptions()
        options.beam = 5
        options.nBest = 3
        options.quiet = true
        return try Translator(directory: try ModelDirectory(path: model), options: options)
    }

    /// `array` rotated left by k.
    static func rotated<T>(_ array: [T], by k: Int) -> [T] { Array(array[k...]) + Array(array[..<k]) }

    /// The best of each line is what `nmt translate` prints; up to 3 per line, best first.
    @Test func translationsEqualTheCommand() throws {
        let outputs = try Self.translator().translations(LineBuffer(lines: Self.lines))
        let printed = try NmtProcess.run(["translate", "--model", Self.model, "--beam", "5", "--quiet"],
                                         stdin: Array((Self.lines.joined(separator: "\n") + "\n").utf8))
        #expect(outputs.map { $0[0].text } == printed.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
        #expect(outputs.allSatisfy { (1...3).contains($0.count) && zip($0, $0.dropFirst()).allSatisfy { $0.score >= $1.score } })
        #expect(outputs[1].map(\.text) == [""])
    }

    /// Eight threads calling one translator at once, each with the lines in another order, get
    /// what one thread gets.
    @Test func callsFromManyThreadsTakeTurns() throws {
        let translator = try Self.translator()
        let alone = try translator.translations(LineBuffer(lines: Self.lines))
        nonisolated(unsafe) var results = [[[Translator.Output]]?](repeating: nil, count: 8)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let k = i % Self.lines.count
            let outputs = try? translator.translations(LineBuffer(lines: Self.rotated(Self.lines, by: k)))
            let back = outputs.map { Self.rotated($0, by: ($0.count - k) % $0.count) }
            lock.lock()
            results[i] = back
            lock.unlock()
        }
        for (i, result) in results.enumerated() { #expect(result == alone, "thread \(i)") }
    }
}
