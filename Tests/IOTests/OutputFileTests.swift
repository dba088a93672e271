import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import IO

/// `OutputFile`: what each kind of path becomes, and that no failed write passes unnoticed.
@Suite struct OutputFileTests {
    private func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func regularFileIsReplacedAndKeepsItsMode() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("out", "old contents\n")
        chmod(path, 0o600)
        var before = stat()
        stat(path, &before)
        try OutputFile.write(Array("new\n".utf8), to: path)
        var after = stat()
        stat(path, &after)
        #expect(try contents(path) == "new\n")
        #expect(after.st_ino != before.st_ino)              // a new file renamed in, not rewritten
        #expect(after.st_mode & 0o7777 == 0o600)
        try OutputFile.write(Array("fresh\n".utf8), to: dir.path("new"))
        #expect(try contents(dir.path("new")) == "fresh\n")
        #expect(SpecialFiles.temporaries(in: dir.url.path).isEmpty)
    }

    /// Until `commit`, readers see the old file; an output released uncommitted leaves it.
    @Test func nothingChangesBeforeCommit() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("out", "old\n")
        do {
            let file = try OutputFile(path)
            try file.write(Array("half".utf8))
            try file.close()
            #expect(try contents(path) == "old\n")
            #expect(SpecialFiles.temporaries(in: dir.url.path).count == 1)
        }
        #expect(try contents(path) == "old\n")
        #expect(SpecialFiles.temporaries(in: dir.url.path).isEmpty)
    }

    @Test func symlinkChainsAreFollowedToTheFileTheyName() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("d"), withIntermediateDirectories: true)
        let target = try dir.write("d/target", "old\n")
        try SpecialFiles.makeSymlink(dir.path("d/hop"), to: "target")                 // relative to d/
        try SpecialFiles.makeSymlink(dir.path("relative"), to: "d/hop")
        try SpecialFiles.makeSymlink(dir.path("absolute"), to: target)
        try SpecialFiles.makeSymlink(dir.path("dangling"), to: "d/made")
        #expect(try OutputFile.classify(dir.path("relative")) == .replace(target: dir.path("d/target"), mode: 0o644))
        try OutputFile.write(Array("one\n".utf8), to: dir.path("relative"))
        #expect(try contents(target) == "one\n")
        try OutputFile.write(Array("two\n".utf8), to: dir.path("absolute"))
        #expect(try contents(target) == "two\n")
        try OutputFile.write(Array("three\n".utf8), to: dir.path("dangling"))
        #expect(try contents(dir.path("d/made")) == "three\n")
        for link in ["d/hop", "relative", "absolute", "dangling"] {
            #expect(SpecialFiles.kind(dir.path(link)) == .symlink, "\(link)")
        }
        #expect(SpecialFiles.temporaries(in: dir.url.path).isEmpty && SpecialFiles.temporaries(in: dir.path("d")).isEmpty)
    }

    @Test func symlinkLoopAndDirectoryAreErrors() throws {
        let dir = try TemporaryDirectory()
        try SpecialFiles.makeSymlink(dir.path("a"), to: "b")
        try SpecialFiles.makeSymlink(dir.path("b"), to: "a")
        #expect(throws: FileError.unwritable(path: dir.path("a"), reason: "Too many levels of symbolic links")) {
            try OutputFile.write([], to: dir.path("a"))
        }
        #expect(throws: FileError.isDirectory(path: dir.url.path)) { try OutputFile.write([], to: dir.url.path) }
        #expect(throws: FileError.unwritable(path: dir.path("no/such"), reason: "No such file or directory")) {
            try OutputFile.write([], to: dir.path("no/such"))
        }
    }

    @Test func fifoIsWrittenInPlace() throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.path("fifo")
        try SpecialFiles.makeFIFO(fifo)
        let reader = try SpecialFiles.openFIFOForReading(fifo)
        defer { close(reader) }
        #expect(try OutputFile.classify(fifo) == .stream(target: fifo))
        try OutputFile.write(Array("through\n".utf8), to: fifo)
        #expect(SpecialFiles.readAvailable(reader) == Array("through\n".utf8))
        #expect(SpecialFiles.kind(fifo) == .fifo)
    }

    /// `/dev/fd/N`, `/proc/self/fd/N` and `/dev/stdout` mean this process's descriptor (a pipe
    /// here), not the file readlink names.
    @Test func ownDescriptorsAreWrittenThroughADuplicate() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
        #expect(try OutputFile.classify("/dev/fd/\(ends[1])") == .inherited(fd: ends[1]))
        #expect(try OutputFile.classify("/proc/self/fd/\(ends[1])") == .inherited(fd: ends[1]))
        #expect(try OutputFile.classify("/dev/stdout") == .inherited(fd: 1))
        #expect(try OutputFile.classify("/dev/stderr") == .inherited(fd: 2))
        try OutputFile.write(Array("one ".utf8), to: "/dev/fd/\(ends[1])")
        try OutputFile.write(Array("two".utf8), to: "/proc/self/fd/\(ends[1])")
        #expect(SpecialFiles.readAvailable(ends[0]) == Array("one two".utf8))
    }

    @Test(.enabled(if: SpecialFiles.isRoot, "mknod needs root"))
    func devicesAreWrittenInPlaceAndTheirErrorsThrown() throws {
        let dir = try TemporaryDirectory()
        let full = dir.path("full"), null = dir.path("null")
        try SpecialFiles.makeCharacterDevice(full, major: 1, minor: 7)
        try SpecialFiles.makeCharacterDevice(null, major: 1, minor: 3)
        try OutputFile.write(Array("gone\n".utf8), to: null)
        #expect(throws: FileError.unwritable(path: full, reason: "No space left on device")) {
            try OutputFile.write(Array("nowhere\n".utf8), to: full)
        }
        #expect(SpecialFiles.kind(full) == .characterDevice && SpecialFiles.kind(null) == .characterDevice)
        #expect(SpecialFiles.temporaries(in: dir.url.path).isEmpty)
    }

    @Test func closedPipeIsBrokenPipeNotAnError() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        signal(SIGPIPE, SIG_IGN)        // as under a parent that ignores it (left so: harmless to tests)
        #expect(throws: BrokenPipe(path: "/dev/fd/\(ends[1])")) {
            try OutputFile.write(Array("x".utf8), to: "/dev/fd/\(ends[1])")
        }
    }

    /// A full disk: the error names the output, the old file stays whole, no temporary is left.
    @Test(.enabled(if: SpecialFiles.isRoot, "mount needs root"))
    func fullDiskKeepsTheOldFile() throws {
        guard let disk = try SmallFileSystem(size: "64k") else { return }
        let path = disk.path("out")
        try OutputFile.write(Array("old\n".utf8), to: path)
        #expect(throws: FileError.unwritable(path: path, reason: "No space left on device")) {
            try OutputFile.write([UInt8](repeating: 0x61, count: 200_000), to: path)
        }
        #expect(try contents(path) == "old\n")
        #expect(SpecialFiles.temporaries(in: disk.path).isEmpty)
        #expect(throws: FileError.unwritable(path: disk.path("log"), reason: "No space left on device")) {
            try OutputFile.append([UInt8](repeating: 0x61, count: 200_000), to: disk.path("log"))
        }
    }
}
