import Foundation
import ModelFiles
import Testing
import TestSupport

/// Issue 11 on `nmt train`: ranges and memory checked before work (defect 3), `name` kept
/// inside the working directory (5), the learning-rate floor and early stopping (6), and the
/// smaller ones of 7 (buckets named in the recipe, `--max-steps 0`).
@Suite(.serialized) struct TrainBoundsTests {
    let toy = TrainCommandTests()

    @Test(arguments: [
        (["--max-steps", "-1"], "--max-steps must be in 0...1000000000, not -1"),
        (["--max-minutes", "1e300"], "--max-minutes must be in (0.0, 527040.0], not 1e+300"),
        (["--seed", "-3"], "--seed must be in 0...4294967295, not -3"),
    ])
    func optionsOutOfRangeAreOneLine(arguments: [String], message: String) throws {
        let result = try NmtProcess.run(["train", "--recipe", "/nonexistent.yaml"] + arguments)
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(message)\n")
    }

    /// A model far larger than any machine (1,000,000 words, 8192 wide, 16 layers: 400 GB of
    /// parameters and moments) is one line before the data is even prepared, and allocates nothing.
    @Test func modelsLargerThanTheMachineAreRefusedFirst() throws {
        let dir = try TemporaryDirectory()
        let recipe = try dir.write("huge.yaml", """
            data: {corpus: \(dir.path("no-corpus")), src_vocab: 1000000, tgt_vocab: 1000000}
            model: {embedding: 8192, hidden: 8192, layers: 16}
            """)
        let result = try toy.run(dir, recipe, out: "model")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("nmt: error: training huge (batch 64) needs "), "\(result.stderr)")
        #expect(result.stderr.contains(" GB; this machine has ") && result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path("data")))
    }

    /// Defect 5: `name: ../../x` wrote data and model outside the working directory.
    @Test func namesThatLeaveTheDirectoryAreRefused() throws {
        let dir = try TemporaryDirectory()
        let recipe = try dir.write("work/escape.yaml", "name: ../../x\ndata: {corpus: \(dir.path("corpus"))}\n")
        let result = try NmtProcess.run(["train", "--recipe", recipe], directory: URL(fileURLWithPath: dir.path("work")))
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(recipe):1: name must be a plain file name (letters, digits, '-', '_', '.', not starting with a dot), not '../../x'\n")
    }

    /// Defect 7: buckets that hold no pair are the recipe's fault, at its line, not config.yaml's.
    @Test func bucketErrorsNameTheRecipe() throws {
        let dir = try TemporaryDirectory()
        let recipe = try toy.setUp(dir)
        let text = try String(contentsOfFile: recipe, encoding: .utf8).replacingOccurrences(of: "[[4, 6], [8, 10]]", with: "[[1, 1]]")
        try text.write(toFile: recipe, atomically: true, encoding: .utf8)
        let result = try toy.run(dir, recipe, out: "model", ["--quiet"])
        #expect(result.status == 1)
        #expect(result.stderr == "nmt: error: \(recipe):2: no training pair fits data.buckets; raise the bucket sizes\n")
    }

    /// Defect 7: `--max-steps 0` means no limit, as `max_steps: 0` does (it was refused).
    @Test func maxStepsZeroIsNoLimit() throws {
        let dir = try TemporaryDirectory()
        let recipe = try toy.setUp(dir, steps: 5)
        let result = try toy.run(dir, recipe, out: "model", ["--max-steps", "0", "--max-minutes", "0.03", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let checkpoint = try Checkpoint(contentsOf: dir.path("model/last.ckpt"))
        #expect((checkpoint.integers("step")?.first ?? 0) > 5)
    }

    /// Defect 6: the decayed rate stops at `min_learning_rate`; `patience` evaluations without a
    /// better dev BLEU stop training with an evaluation and a checkpoint, and the count survives
    /// --resume (a resumed run that ran out of patience has nothing to do).
    @Test func learningRateFloorAndEarlyStopping() throws {
        let dir = try TemporaryDirectory()
        let recipe = try toy.setUp(dir, steps: 3_000, extra: "")
        let text = try String(contentsOfFile: recipe, encoding: .utf8)
            .replacingOccurrences(of: "eval_every: 20, log_every: 1", with: "eval_every: 10, log_every: 10, decay: 0.1, min_learning_rate: 0.002, patience: 3")
        try text.write(toFile: recipe, atomically: true, encoding: .utf8)
        let result = try toy.run(dir, recipe, out: "model")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("stopped early: 3 evaluations without a better dev BLEU"), "\(result.stderr)")
        let config = try String(contentsOfFile: dir.path("model/config.yaml"), encoding: .utf8)
        #expect(config.contains("min_learning_rate: 0.002") && config.contains("patience: 3"))
        let log = try String(contentsOfFile: dir.path("model/log.jsonl"), encoding: .utf8).split(separator: "\n")
        let entries = try log.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let rates = entries.compactMap { $0["learning_rate"] as? Double }
        #expect(rates.min()! >= 0.002, "\(rates)")
        let evaluations = entries.filter { $0["dev_bleu"] != nil }
        let last = evaluations.last!, step = last["step"] as! Int
        #expect(step < 3_000 && (last["best"] as! Bool) == false)
        // The last three evaluations found no better BLEU, and the last one was at the last step.
        #expect(evaluations.suffix(3).allSatisfy { ($0["best"] as! Bool) == false })
        let checkpoint = try Checkpoint(contentsOf: dir.path("model/last.ckpt"))
        #expect(checkpoint.integers("step") == [UInt64(step)] && checkpoint.integers("evaluations_since_best") == [3])
        let resumed = try toy.run(dir, recipe, out: "model", ["--resume"])
        #expect(resumed.status == 0 && resumed.stderr.contains("stopped early at step \(step)") && resumed.stderr.contains("nothing to do"),
                "\(resumed.stderr)")
    }

    /// Defect 6: recipes/tiny.yaml, trained as shipped on a small corpus, translates every line
    /// to a non-empty line.
    @Test func tinyRecipeGivesNonEmptyTranslations() throws {
        let dir = try TemporaryDirectory()
        _ = try toy.setUp(dir)
        let tiny = try String(contentsOfFile: NmtProcess.root.appendingPathComponent("recipes/tiny.yaml").path, encoding: .utf8)
            .replacingOccurrences(of: "corpus: corpora/ddtp-en-fr", with: "corpus: \(dir.path("corpus"))")
        let recipe = try dir.write("tiny.yaml", tiny)
        #expect(try toy.run(dir, recipe, out: "tiny", ["--quiet"]).status == 0)
        let source = try dir.read("corpus/train.en")
        let translated = try NmtProcess.run(["translate", "--model", dir.path("tiny"), "--quiet"], stdin: Array(source.utf8))
        #expect(translated.status == 0, "\(translated.stderr)")
        let lines = translated.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 40 && lines.allSatisfy { !$0.isEmpty }, "\(translated.stdout)")
    }
}
