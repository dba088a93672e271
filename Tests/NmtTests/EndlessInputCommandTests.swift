import Foundation
import TestSupport
import Testing

/// Whole-file inputs without end are refused once they pass a bound (IOTests' EndlessInputTests
/// has the streaming side).
@Suite struct EndlessInputCommandTests {
    /// `nmt vocab --input` on a copy of /dev/zero made here (a character device 1:5): one error
    /// line once half the machine's memory (here NMT_MEMORY_LIMIT) is read, not a read to no end.
    @Test(.enabled(if: SpecialFiles.isRoot)) func wholeFileReadOfAnEndlessDeviceStops() throws {
        let scratch = try TemporaryDirectory()
        let zero = scratch.path("zero")
        try SpecialFiles.makeCharacterDevice(zero, major: 1, minor: 5)
        let result = try NmtProcess.run(["vocab", "--input", zero, "--output", scratch.path("vocab")],
                                        environment: ["NMT_MEMORY_LIMIT": "64M"])
        let message = result.stderr
        #expect(result.status == 1)
        #expect(message.hasPrefix("nmt: error: \(zero): ") && message.contains("half of this machine's memory"), "\(message)")
        #expect(message.split(separator: "\n").count == 1)
    }
}
