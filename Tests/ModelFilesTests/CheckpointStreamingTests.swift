import IO
import Tensor
import TestSupport
import Testing
@testable import ModelFiles

/// `Checkpoint.streamed`, the reader that never holds the file whole: it gives what the
/// whole-file reader gives for a valid file, and nothing (so the whole-file reader names the
/// fault) for a damaged one.
@Suite struct CheckpointStreamingTests {
    let scratch = try! TemporaryDirectory()

    /// Texts, integers, an empty tensor and tensors that cross the reader's 1 MiB pieces at
    /// odd offsets (a 3-byte text before them).
    func sample() -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.texts = [("recipe", "abc"), ("tokenizer", "reversible")]
        checkpoint.integers = [("step", [1234]), ("random", [0xDEAD_BEEF_0123_4567, 42, 7])]
        let parameters = FloatBuffer(count: 300_001), moments = FloatBuffer(count: 262_145)
        for i in 0..<parameters.count { parameters.pointer[i] = Float(i % 977) * 0.25 - 100 }
        for i in 0..<moments.count { moments.pointer[i] = Float(i % 13) }
        checkpoint.tensors = [("parameters", parameters), ("empty", FloatBuffer(count: 0)), ("adam.m", moments)]
        return checkpoint
    }

    func floats(_ buffer: FloatBuffer) -> [Float] { Array(UnsafeBufferPointer(start: buffer.pointer, count: buffer.count)) }

    func expectSame(_ a: Checkpoint, _ b: Checkpoint) {
        #expect(a.texts.map(\.name) == b.texts.map(\.name) && a.texts.map(\.value) == b.texts.map(\.value))
        #expect(a.integers.map(\.name) == b.integers.map(\.name) && a.integers.map(\.values) == b.integers.map(\.values))
        #expect(a.tensors.map(\.name) == b.tensors.map(\.name))
        for (x, y) in zip(a.tensors, b.tensors) { #expect(floats(x.buffer) == floats(y.buffer), "\(x.name)") }
    }

    @Test func streamedReadsWhatWasWritten() throws {
        let file = scratch.path("a.ckpt"), original = sample()
        try original.write(to: file)
        let streamed = try #require(Checkpoint.streamed(file, keeping: nil))
        expectSame(streamed, original)
        expectSame(try Checkpoint(contentsOf: file), original)
    }

    @Test func keepingDropsOnlyTheOtherTensors() throws {
        let file = scratch.path("a.ckpt"), original = sample()
        try original.write(to: file)
        let kept = try Checkpoint(contentsOf: file, keeping: ["parameters"])
        var expected = original
        expected.tensors = [original.tensors[0]]
        expectSame(kept, expected)
        expectSame(try #require(Checkpoint.streamed(file, keeping: ["parameters"])), expected)
    }

    /// Cut short anywhere, a byte changed anywhere, bytes appended: never accepted by the
    /// streaming reader, and `init(contentsOf:)` throws what the whole-file reader says.
    @Test func damagedFilesAreLeftToTheWholeFileReader() throws {
        let file = scratch.path("a.ckpt")
        try sample().write(to: file)
        let bytes = try FileSystem.readBytes(file)
        var variants: [(String, [UInt8])] = []
        for cut in [0, 7, 12, 20, 40, 1 << 20, bytes.count / 2, bytes.count - 9, bytes.count - 1] {
            variants.append(("cut at \(cut)", Array(bytes[0..<cut])))
        }
        for at in [3, 9, 13, 30, (1 << 20) + 5, bytes.count - 20, bytes.count - 3] {
            var changed = bytes
            changed[at] ^= 0x10
            variants.append(("byte \(at) changed", changed))
        }
        variants.append(("bytes appended", bytes + [1, 2, 3]))
        variants.append(("zeros appended", bytes + [UInt8](repeating: 0, count: 16)))
        for (what, variant) in variants {
            let damaged = scratch.path("damaged.ckpt")
            try OutputFile.write(variant, to: damaged)
            #expect(Checkpoint.streamed(damaged, keeping: nil) == nil, "\(what)")
            #expect(throws: CheckpointError.self, "\(what)") { try Checkpoint(contentsOf: damaged) }
        }
        #expect(Checkpoint.streamed(scratch.path("absent.ckpt"), keeping: nil) == nil)
        #expect(Checkpoint.streamed(scratch.path(""), keeping: nil) == nil)   // the directory
    }
}
