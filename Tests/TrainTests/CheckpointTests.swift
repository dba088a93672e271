#if canImport(Glibc)
import Glibc
#endif
import IO
import Tensor
import TestSupport
import Testing
@testable import Train

@Suite struct CheckpointTests {
    func sample() -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.texts = [("recipe", "name: tiny\n"), ("tokenizer", "reversible")]
        checkpoint.integers = [("step", [1234]), ("random", [0xDEAD_BEEF_0123_4567, 42, 7])]
        let parameters = FloatBuffer(count: 37)
        for i in 0..<37 { parameters.pointer[i] = Float(i) * 0.5 - 3 }
        checkpoint.tensors = [("parameters", parameters), ("adam.m", FloatBuffer(count: 5))]
        return checkpoint
    }

    /// One scratch directory per test (Swift Testing makes an instance per test), removed after it.
    let scratch = try! TemporaryDirectory()

    func path(_ name: String) -> String { scratch.path(name) }

    @Test func roundTripKeepsEveryValue() throws {
        let file = path("a.ckpt")
        let original = sample()
        try original.write(to: file)
        let back = try Checkpoint(contentsOf: file)
        #expect(back.text("recipe") == "name: tiny\n" && back.text("tokenizer") == "reversible")
        #expect(back.integers("random") == [0xDEAD_BEEF_0123_4567, 42, 7] && back.integers("step") == [1234])
        #expect(back.tensor("parameters")!.matrix.array == original.tensor("parameters")!.matrix.array)
        #expect(back.tensor("adam.m")!.count == 5)
    }

    @Test func truncatedCorruptedAndForeignFilesAreRefused() throws {
        let file = path("b.ckpt")
        try sample().write(to: file)
        let bytes = try FileSystem.readBytes(file)
        try FileSystem.writeAtomically(file, Array(bytes.prefix(bytes.count - 40)))
        #expect(throws: CheckpointError.truncated(path: file)) { try Checkpoint(contentsOf: file) }
        var flipped = bytes
        flipped[bytes.count - 12] ^= 0x10          // inside the last tensor's floats
        try FileSystem.writeAtomically(file, flipped)
        #expect(throws: CheckpointError.corrupted(path: file)) { try Checkpoint(contentsOf: file) }
        try FileSystem.writeAtomically(file, Array("name: en-fr\nmodel: {}\n".utf8))
        #expect(throws: CheckpointError.notACheckpoint(path: file)) { try Checkpoint(contentsOf: file) }
        #expect((try? Checkpoint(contentsOf: path("missing.ckpt"))) == nil)
    }

    /// The checksum does not depend on how the bytes were cut into pieces.
    @Test func checksumIsIndependentOfChunking() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var whole = Checksum()
        data.withUnsafeBytes { whole.add($0) }
        for cut in [1, 3, 7, 8, 13, 500] {
            var pieces = Checksum()
            var start = 0
            while start < data.count {
                let end = min(data.count, start + cut)
                data[start..<end].withUnsafeBytes { pieces.add($0) }
                start = end
            }
            #expect(pieces.value == whole.value, "cut \(cut)")
        }
    }
}
