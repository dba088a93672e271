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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: NmtProcess.executable)
        process.arguments = ["vocab", "--input", zero, "--output", scratch.path("vocab")]
        process.environment = ProcessInfo.processInfo.environment.merging(["NMT_MEMORY_LIMIT": "64M"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(message.hasPrefix("nmt: error: \(zero): ") && message.contains("half of this machine's memory"), "\(message)")
        #expect(message.split(separator: "\n").count == 1)
    }
}
