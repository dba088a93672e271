import Foundation
import ModelFiles
import Tensor
import Testing
import TestSupport

/// `train.average: ema`, `train.keep_checkpoints` and `nmt average` end to end on the toy corpus
/// of `TrainCommandTests`.
@Suite(.serialized) struct AveragingTests {
    let toy = TrainCommandTests()

    /// The toy corpus and a recipe that averages (40 steps, an evaluation every 10).
    func setUp(_ dir: TemporaryDirectory, average: String = "ema", keep: Int = 2) throws -> String {
        _ = try toy.setUp(dir)
        return try dir.write("ema.yaml", """
            name: toy
            data: {corpus: \(dir.path("corpus")), bpe_merges: 0, src_vocab: 100, tgt_vocab: 100, buckets: [[4, 6], [8, 10]]}
            model: {embedding: 8, hidden: 8, layers: 2, attention: general, dropout: 0.1}
            train: {loss: sampled, num_sampled: 5, learning_rate: 0.01, batch_size: 4, max_steps: 40, eval_every: 10,
                    log_every: 10, seed: 3, average: \(average), ema_decay: 0.9, keep_checkpoints: \(keep)}
            """)
    }

    /// A section's floats, copied while the buffer is alive (a view of a temporary's would not be).
    func floats(_ path: String, _ section: String = "parameters") throws -> [Float] {
        let buffer = try Checkpoint(contentsOf: path).tensor(section)!
        return withExtendedLifetime(buffer) { Array(UnsafeBufferPointer(start: buffer.pointer, count: buffer.count)) }
    }

    func average(_ arguments: [String]) throws -> NmtProcess.Result {
        try NmtProcess.run(["average"] + arguments)
    }

    /// 40 steps in one run, and 20 + 20 with `--resume`, end with the same θ, θ̄, moments and
    /// kept checkpoints, bit for bit: the average is carried by `last.ckpt`.
    @Test func emaResumesExactly() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir)
        let straight = try toy.run(dir, recipe, out: "straight", ["--quiet"])
        #expect(straight.status == 0, "\(straight.stderr)")
        #expect(try toy.run(dir, recipe, out: "split", ["--quiet", "--max-steps", "20"]).status == 0)
        let resumed = try toy.run(dir, recipe, out: "split", ["--quiet", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")

        let sections = ["parameters", "ema.training_parameters", "adam.m", "adam.v"]
        for name in sections {
            #expect(try floats(dir.path("straight/last.ckpt"), name) == floats(dir.path("split/last.ckpt"), name),
                    "\(name) differs after resuming")
        }
        for name in ["best.ckpt", "step-000030.ckpt", "step-000040.ckpt"] {
            #expect(try floats(dir.path("straight/" + name)) == floats(dir.path("split/" + name)), "\(name) differs after resuming")
        }
        // θ̄ is not θ, and it is what best.ckpt-style files hold: step-000040.ckpt has last.ckpt's θ̄.
        let last = dir.path("straight/last.ckpt")
        #expect(try floats(last) != floats(last, "ema.training_parameters"))
        #expect(try floats(dir.path("straight/step-000040.ckpt")) == floats(last))
        // Two kept, the older ones removed; the kept ones hold no optimizer state.
        let kept = try FileManager.default.contentsOfDirectory(atPath: dir.path("straight")).filter { $0.hasPrefix("step-") }.sorted()
        #expect(kept == ["step-000030.ckpt", "step-000040.ckpt"])
        #expect(try Checkpoint(contentsOf: dir.path("straight/step-000030.ckpt")).tensors.map(\.name) == ["parameters"])
    }

    /// Without averaging, `last.ckpt` is as before (θ as `parameters`, nothing beside it). A new
    /// run starts without kept checkpoints (a killed earlier one's would be pruned in its place),
    /// and a dead writer's temporary of one is removed like those of `last.ckpt`.
    @Test func noAverageWritesNoSection() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, average: "none", keep: 0)
        try dir.write("model/step-000990.ckpt", "from a run killed before its first last.ckpt")
        try dir.write("model/step-1.ckpt", "not a name nmt writes")
        #expect(try toy.run(dir, recipe, out: "model", ["--quiet"]).status == 0)
        #expect(try Checkpoint(contentsOf: dir.path("model/last.ckpt")).tensors.map(\.name) == ["parameters", "adam.m", "adam.v"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("model")).filter { $0.hasPrefix("step-") } == ["step-1.ckpt"])

        try dir.write("model/step-000020.ckpt.tmp-999999999", "partial")
        #expect(try toy.run(dir, recipe, out: "model", ["--quiet", "--resume"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path("model/step-000020.ckpt.tmp-999999999")))
    }

    @Test func averagesTheLastCheckpoints() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, average: "none", keep: 3)
        #expect(try toy.run(dir, recipe, out: "model", ["--quiet"]).status == 0)
        let model = dir.path("model")
        let step = { (n: Int) in dir.path("model/step-0000\(n).ckpt") }

        // The mean of the last two, element by element: (a + b) / 2 in Float rounds once, as the
        // Double mean does.
        let out = try average(["--model", model, "--last", "2", "--output", dir.path("two.ckpt"), "--quiet"])
        #expect(out.status == 0 && out.stderr.isEmpty, "\(out.stderr)")
        let (a, b) = (try floats(step(30)), try floats(step(40)))
        #expect(try floats(dir.path("two.ckpt")) == zip(a, b).map { ($0 + $1) / 2 })
        #expect(try Checkpoint(contentsOf: dir.path("two.ckpt")).text("averaged") == "step-000030.ckpt step-000040.ckpt")

        // Two hand-made checkpoints: x_k = k mod 7 − 3 and y_k = (k mod 5)/2 average to (x_k + y_k)/2.
        for (n, value) in [(30, { (k: Int) in Float(k % 7) - 3 }), (40, { (k: Int) in Float(k % 5) / 2 })] {
            var checkpoint = try Checkpoint(contentsOf: step(n))
            let buffer = FloatBuffer(count: a.count)
            for k in 0..<a.count { buffer.pointer[k] = value(k) }
            checkpoint.tensors = [("parameters", buffer)]
            try checkpoint.write(to: step(n))
        }
        #expect(try average(["--model", model, "--last", "2", "--output", dir.path("hand.ckpt")]).status == 0)
        let hand = try floats(dir.path("hand.ckpt"))
        #expect(hand.count == a.count)
        #expect(hand.enumerated().allSatisfy { k, x in x == (Float(k % 7) - 3 + Float(k % 5) / 2) / 2 })

        // Three copies of one checkpoint average to it bit for bit, −0 and tiny values included.
        var original = try Checkpoint(contentsOf: step(20))
        let special = FloatBuffer(count: a.count)
        special.pointer.update(from: original.tensor("parameters")!.pointer, count: a.count)
        special.pointer[0] = -0.0
        special.pointer[1] = .leastNonzeroMagnitude
        special.pointer[2] = 1e30
        original.tensors = [("parameters", special)]
        for n in [20, 30, 40] { try original.write(to: step(n)) }
        #expect(try average(["--model", model, "--last", "3", "--output", dir.path("same.ckpt")]).status == 0)
        let same = try floats(dir.path("same.ckpt")).map(\.bitPattern)
        let differing = same.count != a.count ? [-1] : (0..<a.count).filter { same[$0] != special.pointer[$0].bitPattern }
        #expect(differing.isEmpty, "\(differing.count) values differ, the first at \(differing.prefix(3))")
    }

    /// `--output DIR/best.ckpt` is what `nmt translate --model DIR` reads; the trained best.ckpt is kept.
    @Test func averageAsBestTranslates() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, keep: 2)
        #expect(try toy.run(dir, recipe, out: "model", ["--quiet"]).status == 0)
        let model = dir.path("model")
        let trained = try Data(contentsOf: URL(fileURLWithPath: model + "/best.ckpt"))
        let out = try average(["--model", model, "--last", "2", "--output", model + "/best.ckpt"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("the previous best.ckpt is \(model)/best-before-average.ckpt"), "\(out.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: model + "/best-before-average.ckpt")) == trained)
        // Averaging again keeps the trained one, not the first average.
        #expect(try average(["--model", model, "--last", "1", "--output", model + "/best.ckpt", "--quiet"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: model + "/best-before-average.ckpt")) == trained)
        #expect(try floats(model + "/best.ckpt") == floats(model + "/step-000040.ckpt"))
        let translated = try NmtProcess.run(["translate", "--model", model, "--quiet"], stdin: Array("the small package.\n".utf8))
        #expect(translated.status == 0 && translated.stdout.filter { $0 == "\n" }.count == 1, "\(translated.stderr)")
    }

    /// Each failure is one line naming the file or option, status 1.
    @Test func refusesWhatItCannotAverage() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, average: "none", keep: 3)
        #expect(try toy.run(dir, recipe, out: "model", ["--quiet"]).status == 0)
        let model = dir.path("model")
        func refused(_ arguments: [String], _ message: String) throws {
            let result = try average(arguments)
            #expect(result.status == 1 && !result.signaled, "\(arguments): status \(result.status): \(result.stderr)")
            #expect(result.stderr.hasPrefix("nmt: error: ") && result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count <= 2, "\(arguments): \(result.stderr)")
        }
        let output = dir.path("avg.ckpt")
        try refused(["--model", model, "--last", "4", "--output", output],
                    "\(model): --last 4 asks for 4 checkpoints, but only 3 are kept")
        try refused(["--model", model, "--last", "0", "--output", output], "--last must be in 1...100, not 0")
        try refused(["--model", model, "--last", "101", "--output", output], "--last must be in 1...100, not 101")
        try refused(["--model", model, "--last", "2", "--output", model + "/last.ckpt"],
                    "\(model)/last.ckpt: --output must not replace it: training resumes from last.ckpt")
        try refused(["--model", model, "--last", "2", "--output", model + "/./step-000040.ckpt"], "must not replace it")
        try refused(["--model", dir.path("nothing"), "--last", "2", "--output", output], "no such model directory")

        // A corrupted kept checkpoint, then one of another shape: named, nothing written.
        let newest = model + "/step-000040.ckpt"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: newest)))
        let good = bytes
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: newest))
        try refused(["--model", model, "--last", "2", "--output", output], "\(newest): checkpoint is corrupted")
        try Data(good).write(to: URL(fileURLWithPath: newest))
        var smaller = try Checkpoint(contentsOf: newest)
        smaller.tensors = [("parameters", FloatBuffer(count: 16))]
        try smaller.write(to: model + "/step-000030.ckpt")
        try refused(["--model", model, "--last", "3", "--output", output],
                    "\(model)/step-000030.ckpt: checkpoint of another model: its parameters do not fit")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
