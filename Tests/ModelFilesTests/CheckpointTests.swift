#if canImport(Glibc)
import Glibc
#endif
import IO
import Tensor
import TestSupport
import Testing
@testable import ModelFiles

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

    /// Bytes appended to a whole checkpoint are named as such, not called a truncation; a file
    /// cut right after a section (no checksum) is truncated; a bad checksum at the end is corruption.
    @Test func appendedBytesAreNotCalledTruncated() throws {
        let file = path("c.ckpt")
        try sample().write(to: file)
        let bytes = try FileSystem.readBytes(file)
        for extra in [[UInt8(0x0A)], Array("garbage".utf8), [UInt8](repeating: 0, count: 4096)] {
            try FileSystem.writeAtomically(file, bytes + extra)
            do {
                _ = try Checkpoint(contentsOf: file)
                Issue.record("a checkpoint with \(extra.count) bytes appended was accepted")
            } catch {
                #expect("\(error)" == "\(file): checkpoint has \(extra.count) unexpected byte\(extra.count == 1 ? "" : "s") after its end (appended to by mistake?)")
            }
        }
        try FileSystem.writeAtomically(file, Array(bytes.dropLast(8)))        // every section, no checksum
        #expect(throws: CheckpointError.truncated(path: file)) { try Checkpoint(contentsOf: file) }
        try FileSystem.writeAtomically(file, Array(bytes.dropLast(3)))        // part of the checksum
        #expect(throws: CheckpointError.truncated(path: file)) { try Checkpoint(contentsOf: file) }
        var badSum = bytes
        badSum[bytes.count - 1] ^= 1
        try FileSystem.writeAtomically(file, badSum)
        #expect(throws: CheckpointError.corrupted(path: file)) { try Checkpoint(contentsOf: file) }
    }

    /// Checksums are stored in checkpoints: FNV-1a over 8-byte words, a tail as one word with its
    /// length in the top byte, must keep giving what it gave (values from a Python reference).
    @Test func checksumIsStable() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(Checksum.of(data[...]) == 0x08db_096e_615c_52be)
        #expect(Checksum.of(data[0..<13]) == 0xe734_fad2_b757_e77b)
        #expect(Checksum.of([]) == 0xcbf2_9ce4_8422_2325)
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
