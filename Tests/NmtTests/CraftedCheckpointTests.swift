import Foundation
import ModelFiles
import Tensor
import Testing
import TestSupport

/// Issue 12: every size and count `nmt train --resume` reads from `last.ckpt` is checked against
/// the model and the data before use. Each checkpoint below is a real one with one section
/// changed and a valid checksum: the run stops with one error line naming the file and the
/// section, status 1, never a crash.
@Suite(.serialized) struct CraftedCheckpointTests {
    let toy = TrainCommandTests()

    /// A real checkpoint of the toy model (sampled softmax, Adam, two buckets) after 2 steps.
    func trained() throws -> (dir: TemporaryDirectory, recipe: String, checkpoint: Checkpoint, path: String) {
        let dir = try TemporaryDirectory()
        let recipe = try toy.setUp(dir, steps: 2)
        let result = try toy.run(dir, recipe, out: "model", ["--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let path = dir.path("model/last.ckpt")
        return (dir, recipe, try Checkpoint(contentsOf: path), path)
    }

    static func replacing(_ name: String, with values: [UInt64], in checkpoint: Checkpoint) -> Checkpoint {
        var edited = checkpoint
        edited.integers = edited.integers.map { $0.name == name ? (name, values) : $0 }
        return edited
    }

    static func replacing(_ name: String, withFloats count: Int, in checkpoint: Checkpoint) -> Checkpoint {
        var edited = checkpoint
        edited.tensors = edited.tensors.map { $0.name == name ? (name, FloatBuffer(count: count)) : $0 }
        return edited
    }

    static func replacing(text name: String, with value: String, in checkpoint: Checkpoint) -> Checkpoint {
        var edited = checkpoint
        edited.texts = edited.texts.map { $0.name == name ? (name, value) : $0 }
        return edited
    }

    /// Resumes from `bytes` as last.ckpt; the run must fail with one line naming the file and `section`.
    func expectRefused(_ bytes: [UInt8], _ case: String, section: String, in model: (dir: TemporaryDirectory, recipe: String, path: String)) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: model.path))
        let result = try toy.run(model.dir, model.recipe, out: "model", ["--resume", "--max-steps", "4", "--quiet"])
        #expect(result.status == 1 && !result.signaled, "\(`case`): status \(result.status), signaled \(result.signaled): \(result.stderr)")
        #expect(result.stderr.hasPrefix("nmt: error: \(model.path): checkpoint "), "\(`case`): \(result.stderr)")
        #expect(result.stderr.contains(section), "\(`case`) does not name \(section): \(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(`case`): more than one line: \(result.stderr)")
    }

    func expectRefused(_ checkpoint: Checkpoint, _ case: String, section: String,
                       in model: (dir: TemporaryDirectory, recipe: String, path: String)) throws {
        let scratch = model.dir.path("crafted.ckpt")
        try checkpoint.write(to: scratch)
        try expectRefused(Array(try Data(contentsOf: URL(fileURLWithPath: scratch))), `case`, section: section, in: model)
    }

    /// The sections and their order are those nmt wrote before the optimizer wrote its own
    /// (issue 12), so checkpoints stay readable both ways.
    @Test func sectionsAreThoseEarlierVersionsWrite() throws {
        let (_, _, checkpoint, _) = try trained()
        #expect(checkpoint.texts.map(\.name) == ["recipe", "vocab.src", "vocab.tgt", "bpe.codes", "tokenizer", "lowercase", "reverse_source",
                                                 "train_curve", "dev_curve"])
        #expect(checkpoint.integers.map(\.name) == ["layout", "step", "order", "sampler", "scalars", "finished", "evaluations_since_best",
                                                    "adam.step"])
        #expect(checkpoint.tensors.map(\.name) == ["parameters", "adam.m", "adam.v"])
        let parameters = checkpoint.tensor("parameters")!.count
        #expect(checkpoint.tensor("adam.m")!.count == parameters && checkpoint.tensor("adam.v")!.count == parameters)
        #expect(checkpoint.integers("adam.step") == checkpoint.integers("step"))
    }

    @Test func craftedSectionsAreOneLineErrors() throws {
        let (dir, recipe, good, path) = try trained()
        let model = (dir, recipe, path)
        let parameters = good.tensor("parameters")!.count
        let order = good.integers("order")!
        #expect(order.count == 2 + 2 * 2, "the toy model has two buckets")

        // The optimizer's state.
        try expectRefused(Self.replacing("adam.m", withFloats: parameters - 16, in: good), "adam.m shorter than adam.v", section: "adam.m", in: model)
        try expectRefused(Self.replacing("adam.v", withFloats: parameters - 16, in: Self.replacing("adam.m", withFloats: parameters - 16, in: good)),
                          "both moments shorter than the model", section: "adam.m", in: model)
        try expectRefused(Self.replacing("adam.step", with: [1 << 63], in: good), "adam.step beyond Int", section: "adam.step", in: model)
        try expectRefused(Self.replacing("adam.step", with: [2, 2], in: good), "two adam.step values", section: "adam.step", in: model)
        var noSecondMoment = good
        noSecondMoment.tensors.removeAll { $0.name == "adam.v" }
        try expectRefused(noSecondMoment, "adam.m without adam.v", section: "adam.v", in: model)

        // The training state: step, data order, sampler, scalars, curves.
        try expectRefused(Self.replacing("step", with: [UInt64.max], in: good), "step beyond Int", section: "step", in: model)
        try expectRefused(Self.replacing("sampler", with: [1, 2], in: good), "two sampler states", section: "sampler", in: model)
        var cursorPast = order
        cursorPast[4] = 1_000_000                      // both buckets' cursors, past their pairs
        cursorPast[5] = 1_000_000
        try expectRefused(Self.replacing("order", with: cursorPast, in: good), "cursor past its bucket", section: "order", in: model)
        var hugePass = order
        hugePass[2] = UInt64.max
        try expectRefused(Self.replacing("order", with: hugePass, in: good), "pass beyond Int", section: "order", in: model)
        var hugePairs = order
        hugePairs[1] = 1 << 63
        try expectRefused(Self.replacing("order", with: hugePairs, in: good), "pairs read beyond Int", section: "order", in: model)
        var scalars = good.integers("scalars")!
        scalars[3] = Double.infinity.bitPattern         // elapsed seconds
        try expectRefused(Self.replacing("scalars", with: scalars, in: good), "infinite elapsed time", section: "scalars", in: model)
        try expectRefused(Self.replacing(text: "dev_curve", with: "2 5.0 inf", in: good), "infinite dev BLEU", section: "dev_curve", in: model)
        try expectRefused(Self.replacing(text: "train_curve", with: "9223372036854775807 5.0", in: good), "a curve point after the last step",
                          section: "train_curve", in: model)

        // Sizes the reader checked before this issue: still refused.
        try expectRefused(Self.replacing("parameters", withFloats: parameters - 16, in: good), "parameters shorter than the model",
                          section: "parameters", in: model)
        try expectRefused(Self.replacing("order", with: Array(order.dropLast()), in: good), "order of another bucket count",
                          section: "training state", in: model)

        // One edit at the byte level, the checksum fixed up as Tests/Fuzz's checkpoint target does:
        // the step's 8 bytes (after the name "step" and its count 1) set to all ones.
        try good.write(to: dir.path("good.ckpt"))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path("good.ckpt"))))
        let marker: [UInt8] = [2, 4, 0, 0, 0] + Array("step".utf8) + [1, 0, 0, 0, 0, 0, 0, 0]
        let at = try #require((0...(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        for k in 0..<8 { bytes[at + marker.count + k] = 0xFF }
        let body = bytes.count - 8
        withUnsafeBytes(of: Checksum.of(bytes[0..<body]).littleEndian) { for k in 0..<8 { bytes[body + k] = $0[k] } }
        try expectRefused(bytes, "step bytes set to all ones", section: "step", in: model)

        // The real checkpoint still resumes.
        try good.write(to: path)
        let resumed = try toy.run(dir, recipe, out: "model", ["--resume", "--max-steps", "4", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }
}
