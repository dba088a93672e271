import Foundation
import IO
import Testing

/// The reference outputs of sacremoses 0.2.0 under `Tests/Fixtures/moses/`, written by
/// `Tests/Fixtures/make_fixtures.py`: `{en,fr}.input` raw lines, `.tok` their tokenization, `.detok`
/// the detokenization of the `.tok` lines.
enum MosesFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/moses")

    static func lines(_ language: String, _ kind: String) throws -> LineBuffer {
        try FileSystem.readLines(directory.appendingPathComponent("\(language).\(kind)").path)
    }

    /// Compares `produce(line)` with the expected lines; returns the number equal and a report of
    /// the first differences.
    static func compare(inputs: LineBuffer, expected: LineBuffer,
                        _ produce: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) -> (equal: Int, report: String) {
        var equal = 0
        var report = ""
        var output = [UInt8]()
        for index in 0..<inputs.count {
            output.removeAll(keepingCapacity: true)
            inputs.withLine(index) { produce($0, &output) }
            let wanted = expected.withLine(index) { Array($0) }
            if output == wanted {
                equal += 1
            } else if report.count < 20_000 {
                report += "line \(index + 1):\n  input:    \(inputs[index].debugDescription)\n"
                report += "  expected: \(String(decoding: wanted, as: UTF8.self).debugDescription)\n"
                report += "  got:      \(String(decoding: output, as: UTF8.self).debugDescription)\n"
            }
        }
        return (equal, report)
    }

    /// Runs `produce` over the `inputKind` lines of `language` and expects the `expectedKind` lines:
    /// at least `share` of them (the requirement), and all of them (what we have); prints the
    /// agreement and, on failure, the differing lines.
    static func expectAgreement(_ name: String, language: String, inputKind: String, expectedKind: String,
                                atLeast share: Double,
                                _ produce: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) throws {
        let inputs = try lines(language, inputKind)
        let expected = try lines(language, expectedKind)
        #expect(inputs.count == expected.count)
        let (equal, report) = compare(inputs: inputs, expected: expected, produce)
        print("\(name) \(language): \(equal) / \(inputs.count) lines equal to sacremoses")
        #expect(Double(equal) >= share * Double(inputs.count), "\(report)")
        #expect(equal == inputs.count, "\(report)")
    }
}
