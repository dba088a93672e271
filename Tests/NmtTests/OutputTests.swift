import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// Where `--output` and standard output go (issue 11): a device or FIFO is written in place, a
/// symlink's target is replaced, and every failed write is one error line and status 1.
@Suite struct OutputTests {
    static let text = "a b c\nd e a\n"
    static let vocabulary = "<pad>\n<go>\n<eos>\n<unk>\na\nb\nc\nd\ne\n"

    private func vocab(to output: String, in dir: TemporaryDirectory) throws -> NmtProcess.Result {
        let input = try dir.write("text", Self.text)
        return try NmtProcess.run(["vocab", "--input", input, "--output", output])
    }

    /// `--output /dev/full` as root used to turn the device into a regular file.
    @Test(.enabled(if: SpecialFiles.isRoot, "mknod needs root"))
    func deviceOutputIsWrittenInPlace() throws {
        let dir = try TemporaryDirectory()
        let full = dir.path("full"), null = dir.path("null")
        try SpecialFiles.makeCharacterDevice(full, major: 1, minor: 7)
        try SpecialFiles.makeCharacterDevice(null, major: 1, minor: 3)
        let failed = try vocab(to: full, in: dir)
        #expect(failed.status == 1)
        #expect(failed.stderr == "nmt: error: \(full): No space left on device\n")
        #expect(SpecialFiles.kind(full) == .characterDevice)
        let discarded = try vocab(to: null, in: dir)
        #expect(discarded.status == 0, "\(discarded.stderr)")
        #expect(SpecialFiles.kind(null) == .characterDevice)
        #expect(SpecialFiles.temporaries(in: dir.url.path).isEmpty)
    }

    @Test func fifoOutputIsStreamedAndStaysAFIFO() throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.path("fifo")
        try SpecialFiles.makeFIFO(fifo)
        let reader = try SpecialFiles.openFIFOForReading(fifo)
        defer { close(reader) }
        let result = try vocab(to: fifo, in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: SpecialFiles.readAvailable(reader), as: UTF8.self) == Self.vocabulary)
        #expect(SpecialFiles.kind(fifo) == .fifo)
        #expect(SpecialFiles.temporaries(in: dir.url.path).isEmpty)
    }

    /// An absolute link into another directory, a relative one, a chain of two, and a dangling
    /// one: each link stays as it was, the file at the end is (re)written, no temporary is left.
    @Test func symlinkIsFollowedAndItsTargetReplaced() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("real"), withIntermediateDirectories: true)
        let target = try dir.write("real/target", "old\n")
        try SpecialFiles.makeSymlink(dir.path("absolute"), to: target)
        try SpecialFiles.makeSymlink(dir.path("relative"), to: "real/target")
        try SpecialFiles.makeSymlink(dir.path("real/hop"), to: "target")
        try SpecialFiles.makeSymlink(dir.path("chain"), to: "real/hop")
        try SpecialFiles.makeSymlink(dir.path("dangling"), to: "real/new")
        for (link, text, end) in [("absolute", target, "real/target"), ("relative", "real/target", "real/target"),
                                  ("chain", "real/hop", "real/target"), ("dangling", "real/new", "real/new")] {
            if end == "real/target" { try dir.write(end, "old\n") }
            let result = try vocab(to: dir.path(link), in: dir)
            #expect(result.status == 0, "\(link): \(result.stderr)")
            #expect(SpecialFiles.kind(dir.path(link)) == .symlink, "\(link)")
            #expect(try SpecialFiles.linkText(dir.path(link)) == text, "\(link)")
            #expect(try dir.read(end) == Self.vocabulary, "\(link)")
        }
        #expect(SpecialFiles.kind(dir.path("real/hop")) == .symlink)
        #expect(SpecialFiles.temporaries(in: dir.url.path).isEmpty)
        #expect(SpecialFiles.temporaries(in: dir.path("real")).isEmpty)
    }

    /// `nmt prepare`'s files take the same paths: a symlink's target replaced, a FIFO streamed; a
    /// device that fails stops the run before any regular file is renamed (all or nothing).
    @Test(.enabled(if: SpecialFiles.isRoot, "mknod needs root"))
    func prepareOutputsFollowTheSameRules() throws {
        let dir = try TemporaryDirectory()
        let corpus = try PrepareCommandTests().makeCorpus(dir)
        let out = dir.path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try dir.write("elsewhere/train.en", "old\n")
        try SpecialFiles.makeSymlink(out + "/train.en", to: "../elsewhere/train.en")
        try SpecialFiles.makeFIFO(out + "/vocab.fr")
        try SpecialFiles.makeCharacterDevice(out + "/dev.fr", major: 1, minor: 7)
        let arguments = ["prepare", "--corpus", corpus, "--out", out, "--max-length", "6", "--quiet"]
        let reader = try SpecialFiles.openFIFOForReading(out + "/vocab.fr")
        defer { close(reader) }

        let failed = try NmtProcess.run(arguments)
        #expect(failed.status == 1)
        #expect(failed.stderr == "nmt: error: \(out)/dev.fr: No space left on device\n")
        #expect(try dir.read("elsewhere/train.en") == "old\n")
        #expect(!FileManager.default.fileExists(atPath: out + "/report.json"))
        _ = SpecialFiles.readAvailable(reader)

        try FileManager.default.removeItem(atPath: out + "/dev.fr")
        try SpecialFiles.makeCharacterDevice(out + "/dev.fr", major: 1, minor: 3)
        let result = try NmtProcess.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(SpecialFiles.kind(out + "/train.en") == .symlink)
        #expect(try dir.read("elsewhere/train.en") == "Hello world ￭.\nA small package ￭.\n")
        #expect(String(decoding: SpecialFiles.readAvailable(reader), as: UTF8.self).hasPrefix("<pad>\n<go>\n<eos>\n<unk>\n"))
        #expect(SpecialFiles.kind(out + "/vocab.fr") == .fifo && SpecialFiles.kind(out + "/dev.fr") == .characterDevice)
        #expect(try dir.read("out/test.fr") == "Un test ￭, enfin ￭.\n")
        #expect(SpecialFiles.temporaries(in: out).isEmpty && SpecialFiles.temporaries(in: dir.path("elsewhere")).isEmpty)
    }

    /// `nmt train`: `log.jsonl` is appended in place and its write errors stop the run (they were
    /// dropped); `training.svg` behind a symlink replaces the link's target.
    @Test(.enabled(if: SpecialFiles.isRoot, "mknod needs root"))
    func trainingLogErrorsStopTheRun() throws {
        let dir = try TemporaryDirectory()
        let recipe = try TrainCommandTests().setUp(dir, steps: 20)
        let model = dir.path("model")
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        try SpecialFiles.makeCharacterDevice(model + "/log.jsonl", major: 1, minor: 7)
        let arguments = ["train", "--recipe", recipe, "--out", model, "--data", dir.path("data"), "--quiet"]
        let failed = try NmtProcess.run(arguments)
        #expect(failed.status == 1)
        #expect(failed.stderr == "nmt: error: \(model)/log.jsonl: No space left on device\n")
        #expect(SpecialFiles.kind(model + "/log.jsonl") == .characterDevice)

        try FileManager.default.removeItem(atPath: model)
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        try SpecialFiles.makeCharacterDevice(model + "/log.jsonl", major: 1, minor: 3)
        try SpecialFiles.makeSymlink(model + "/training.svg", to: "../curves.svg")
        let result = try NmtProcess.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(SpecialFiles.kind(model + "/training.svg") == .symlink)
        #expect(try dir.read("curves.svg").contains("<svg"))
        #expect(SpecialFiles.temporaries(in: model).isEmpty)
    }

    /// `nmt tokenize … > /dev/full` used to exit 0.
    @Test(.enabled(if: SpecialFiles.isRoot, "mknod needs root"))
    func fullStandardOutputIsAnError() throws {
        let dir = try TemporaryDirectory()
        let full = dir.path("full")
        try SpecialFiles.makeCharacterDevice(full, major: 1, minor: 7)
        let codes = try dir.write("codes", "#version: 0.2\na b\n")
        let reference = try dir.write("ref", "a b c\n")
        for arguments in [["tokenize", "--lang", "en"], ["bpe", "apply", "--codes", codes], ["score", "--ref", reference],
                          ["vocab", "--input", reference, "--output", "-"]] {
            let result = try NmtProcess.run(arguments, stdin: Array("a b c\n".utf8),
                                            standardOutput: FileHandle(forWritingAtPath: full)!)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr == "nmt: error: standard output: No space left on device\n", "\(arguments)")
        }
    }

    /// A full disk: standard output and `--output` fail with one line; the file that was there
    /// stays whole and no temporary is left. (It used to exit 0 after writing part of the text.)
    @Test(.enabled(if: SpecialFiles.isRoot, "mount needs root"))
    func fullDiskIsAnErrorAndKeepsTheOldFile() throws {
        guard let disk = try SmallFileSystem(size: "64k") else { return }
        let dir = try TemporaryDirectory()
        var text = ""
        for i in 0..<20_000 { text += "word\(i) " }
        let input = try dir.write("text", text + "\n")
        let out = disk.path("out")
        _ = FileManager.default.createFile(atPath: out, contents: Data("old\n".utf8))

        let vocab = try NmtProcess.run(["vocab", "--input", input, "--output", out])
        #expect(vocab.status == 1)
        #expect(vocab.stderr == "nmt: error: \(out): No space left on device\n")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "old\n")
        #expect(SpecialFiles.temporaries(in: disk.path).isEmpty)

        _ = FileManager.default.createFile(atPath: disk.path("stdout"), contents: nil)
        let tokenize = try NmtProcess.run(["tokenize", "--lang", "en", "--quiet"], stdin: Array((text + "\n").utf8),
                                          standardOutput: FileHandle(forWritingAtPath: disk.path("stdout"))!)
        #expect(tokenize.status == 1)
        #expect(tokenize.stderr == "nmt: error: standard output: No space left on device\n")
    }

    /// `nmt tokenize … | head -1`: killed by SIGPIPE as ever, or, where SIGPIPE is ignored,
    /// stopping quietly with status 0 at the first EPIPE.
    @Test func closedPipeStopsQuietly() throws {
        let lines = Array(String(repeating: "Hello, world.\n", count: 50_000).utf8)
        for ignoring in [false, true] {
            var ends: [Int32] = [0, 0]
            #expect(pipe(&ends) == 0)
            close(ends[0])
            let writeEnd = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
            let result = try NmtProcess.run(["tokenize", "--lang", "en", "--quiet"], stdin: lines,
                                            standardOutput: writeEnd, ignoringSIGPIPE: ignoring)
            #expect(result.stderr == "", "ignoring SIGPIPE: \(ignoring)")
            #expect((result.signaled && result.status == SIGPIPE) || (!result.signaled && result.status == 0),
                    "ignoring SIGPIPE: \(ignoring), status \(result.status)")
        }
    }
}
