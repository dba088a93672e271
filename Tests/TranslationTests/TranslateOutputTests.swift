import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `nmt translate`'s outputs (issue 11): a full standard output is an error, a FIFO is written in
/// place, a symlink's target is replaced.
@Suite struct TranslateOutputTests {
    static let input = "the cat sat .\n\na dog on the mat\n"

    @Test(.enabled(if: SpecialFiles.isRoot, "mknod needs root"))
    func fullStandardOutputIsAnError() throws {
        let model = try TestModel()
        let dir = try TemporaryDirectory()
        let full = dir.path("full")
        try SpecialFiles.makeCharacterDevice(full, major: 1, minor: 7)
        let result = try NmtProcess.run(["translate", "--model", model.path, "--quiet"], stdin: Array(Self.input.utf8),
                                        standardOutput: FileHandle(forWritingAtPath: full)!)
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: standard output: No space left on device\n")
    }

    @Test func fifoAndSymlinkOutputs() throws {
        let model = try TestModel()
        let dir = try TemporaryDirectory()
        let expected = try NmtProcess.run(["translate", "--model", model.path, "--quiet"], stdin: Array(Self.input.utf8))
        #expect(expected.status == 0, "\(expected.stderr)")
        let fifo = dir.path("fifo")
        try SpecialFiles.makeFIFO(fifo)
        let reader = try SpecialFiles.openFIFOForReading(fifo)
        defer { close(reader) }
        let streamed = try NmtProcess.run(["translate", "--model", model.path, "--quiet", "--output", fifo],
                                          stdin: Array(Self.input.utf8))
        #expect(streamed.status == 0, "\(streamed.stderr)")
        #expect(SpecialFiles.readAvailable(reader) == expected.stdoutBytes)
        #expect(SpecialFiles.kind(fifo) == .fifo)

        try dir.write("target", "old\n")
        try SpecialFiles.makeSymlink(dir.path("link"), to: "target")
        let linked = try NmtProcess.run(["translate", "--model", model.path, "--quiet", "--output", dir.path("link")],
                                        stdin: Array(Self.input.utf8))
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(SpecialFiles.kind(dir.path("link")) == .symlink)
        #expect(try dir.read("target") == expected.stdout)
        #expect(SpecialFiles.temporaries(in: dir.url.path).isEmpty)
    }
}
