import Foundation
#if canImport(Glibc)
import Glibc
#endif
import IO
import Tensor
import TestSupport
import Testing
@testable import ModelFiles

/// Checkpoints go through `OutputFile` (issue 11): a symlinked checkpoint stays a link, a failed
/// write throws naming the file and leaves the previous checkpoint whole.
@Suite struct CheckpointOutputTests {
    func sample(values: Int) -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.texts = [("recipe", "name: tiny\n")]
        let parameters = FloatBuffer(count: values)
        for i in 0..<values { parameters.pointer[i] = Float(i) }
        checkpoint.tensors = [("parameters", parameters)]
        return checkpoint
    }

    @Test func symlinkedCheckpointKeepsItsLink() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("store"), withIntermediateDirectories: true)
        try SpecialFiles.makeSymlink(dir.path("last.ckpt"), to: "store/last.ckpt")
        try sample(values: 10).write(to: dir.path("last.ckpt"))
        try sample(values: 20).write(to: dir.path("last.ckpt"))
        #expect(SpecialFiles.kind(dir.path("last.ckpt")) == .symlink)
        #expect(try Checkpoint(contentsOf: dir.path("store/last.ckpt")).tensor("parameters")?.count == 20)
        #expect(SpecialFiles.temporaries(in: dir.path("store")).isEmpty)
    }

    @Test(.enabled(if: SpecialFiles.isRoot, "mknod and mount need root"))
    func failedWriteThrowsAndKeepsThePreviousCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let full = dir.path("full.ckpt")
        try SpecialFiles.makeCharacterDevice(full, major: 1, minor: 7)
        #expect(throws: FileError.unwritable(path: full, reason: "No space left on device")) {
            try sample(values: 10).write(to: full)
        }
        #expect(SpecialFiles.kind(full) == .characterDevice)

        guard let disk = try SmallFileSystem(size: "64k") else { return }
        let path = disk.path("last.ckpt")
        try sample(values: 10).write(to: path)
        #expect(throws: FileError.unwritable(path: path, reason: "No space left on device")) {
            try sample(values: 40_000).write(to: path)
        }
        #expect(try Checkpoint(contentsOf: path).tensor("parameters")?.count == 10)
        #expect(SpecialFiles.temporaries(in: disk.path).isEmpty)
    }
}
