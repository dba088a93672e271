import Foundation
import ModelFiles
import Testing
import TestSupport

/// `nmt train` end to end on a 40-pair toy corpus with a model that trains in a second.
@Suite(.serialized) struct TrainCommandTests {
    static let words = ["the", "small", "package", "provides", "a", "library", "for", "data", "files", "tool"]
    static let mots = ["le", "petit", "paquet", "fournit", "une", "bibliothèque", "pour", "données", "fichiers", "outil"]

    /// A corpus directory and a recipe that points at it: a two-layer model trained `steps` steps
    /// with the sampled loss, unless `model` or `train` gives that section's keys; `extra` adds lines.
    func setUp(_ dir: TemporaryDirectory, steps: Int = 40, model: String? = nil, train: String? = nil, extra: String = "") throws -> String {
        var english = [String](), french = [String]()
        for i in 0..<40 {
            let n = 2 + i % 5
            english.append((0..<n).map { Self.words[($0 * 3 + i) % 10] }.joined(separator: " ") + ".")
            french.append((0..<n).map { Self.mots[($0 * 3 + i) % 10] }.joined(separator: " ") + ".")
        }
        try dir.write("corpus/train.en", english.joined(separator: "\n") + "\n")
        try dir.write("corpus/train.fr", french.joined(separator: "\n") + "\n")
        try dir.write("corpus/dev.en", english.prefix(6).joined(separator: "\n") + "\n")
        try dir.write("corpus/dev.fr", french.prefix(6).joined(separator: "\n") + "\n")
        return try dir.write("toy.yaml", """
            name: toy
            data: {corpus: \(dir.path("corpus")), bpe_merges: 0, src_vocab: 100, tgt_vocab: 100, buckets: [[4, 6], [8, 10]]}
            model: {\(model ?? "embedding: 8, hidden: 8, layers: 2, attention: general, dropout: 0.1")}
            train: {\(train ?? "loss: sampled, num_sampled: 5, learning_rate: 0.01, batch_size: 4, max_steps: \(steps), eval_every: 20, log_every: 1, seed: 3")}
            \(extra)
            """)
    }

    func run(_ dir: TemporaryDirectory, _ recipe: String, out: String, _ more: [String] = []) throws -> NmtProcess.Result {
        try NmtProcess.run(["train", "--recipe", recipe, "--out", dir.path(out), "--data", dir.path("data")] + more)
    }

    @Test func writesTheModelDirectoryOfTheContract() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir)
        let result = try run(dir, recipe, out: "model")
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["config.yaml", "vocab.src", "vocab.tgt", "last.ckpt", "best.ckpt", "log.jsonl", "training.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.path("model/" + name)), "\(name) missing")
        }
        let log = try dir.read("model/log.jsonl").split(separator: "\n")
        let steps = try log.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(steps.filter { $0["train_perplexity"] != nil }.count == 40)
        #expect(steps.filter { $0["dev_perplexity"] != nil }.count == 2)           // steps 20 and 40
        let first = steps.first { $0["train_perplexity"] != nil }!
        for key in ["step", "epoch", "learning_rate", "target_tokens_per_second", "elapsed_seconds", "remaining_seconds"] {
            #expect(first[key] != nil, "log line lacks \(key)")
        }
        #expect(try dir.read("model/config.yaml").contains("num_sampled: 5"))
        #expect(result.stderr.contains("train: step 40 | dev ppl"))
        // A second run without --resume refuses to overwrite the model.
        let again = try run(dir, recipe, out: "model")
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds a trained model; --resume continues it"))
        // With --resume and the same limits there is nothing to do.
        let finished = try run(dir, recipe, out: "model", ["--resume"])
        #expect(finished.status == 0 && finished.stderr.contains("nothing to do"))
    }

    /// Interrupted by SIGINT and resumed, a run ends with the parameters of one that never stopped.
    @Test func interruptedAndResumedEqualsUninterrupted() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, steps: 2_000)
        #expect(try run(dir, recipe, out: "straight", ["--quiet"]).status == 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: NmtProcess.executable)
        process.arguments = ["train", "--recipe", recipe, "--out", dir.path("stopped"), "--data", dir.path("data"), "--quiet"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        let log = dir.path("stopped/log.jsonl")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {       // wait until some steps are done, then interrupt
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.split(separator: "\n").count >= 30 { break }
            usleep(2_000)
        }
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let resumed = try run(dir, recipe, out: "stopped", ["--resume", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try Checkpoint(contentsOf: dir.path("straight/last.ckpt"))
        let b = try Checkpoint(contentsOf: dir.path("stopped/last.ckpt"))
        #expect(a.integers("step") == [2_000] && b.integers("step") == [2_000])
        for name in ["parameters", "adam.m", "adam.v"] {
            #expect(a.tensor(name)!.matrix.array == b.tensor(name)!.matrix.array, "\(name) differs after resuming")
        }
        #expect(a.integers("order") == b.integers("order") && a.integers("sampler") == b.integers("sampler"))
    }

    /// A SIGKILL during a write leaves `NAME.tmp-PID` behind: the next run removes ours (a dead
    /// writer's, under our own file names) in the model and data directories and nothing else.
    @Test func staleTemporariesOfKilledRunsAreRemoved() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, steps: 2)
        #expect(try run(dir, recipe, out: "model", ["--quiet"]).status == 0)
        let dead = "999999999"                      // above any pid_max: no such process
        let live = String(getpid())                 // this test: a writer still at work
        let stale = ["model/last.ckpt.tmp-\(dead)", "model/best.ckpt.tmp-\(dead)", "model/config.yaml.tmp-\(dead)",
                     "model/training.svg.tmp-\(dead)", "model/vocab.src.tmp-\(dead)", "data/train.en.tmp-\(dead)",
                     "data/report.json.tmp-\(dead)", "data/vocab.fr.tmp-\(dead)"]
        let kept = ["model/last.ckpt.tmp-\(live)", "model/notes.txt.tmp-\(dead)", "model/last.ckpt.tmp-x\(dead)",
                    "model/last.ckpt.bak", "data/train.en.tmp-\(live)", "data/mine.tmp-\(dead)"]
        for name in stale + kept { try dir.write(name, "partial") }
        let resumed = try run(dir, recipe, out: "model", ["--resume", "--max-steps", "4", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        for name in stale { #expect(!FileManager.default.fileExists(atPath: dir.path(name)), "\(name) left behind") }
        for name in kept { #expect(FileManager.default.fileExists(atPath: dir.path(name)), "\(name) removed") }
    }

    /// Killed while creating the model directory (some files written, no checkpoint yet), a run
    /// can still be resumed: it starts afresh.
    @Test func killedDuringCreationStillResumes() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, steps: 2)
        try dir.write("model/vocab.src", "<pad>\n")
        try dir.write("model/vocab.tgt.tmp-999999999", "<pad>\n<go>\n")
        try dir.write("model/log.jsonl", "{\"step\":1, \"epoch\":0.1}\n{\"step\":2, \"ep")
        let resumed = try run(dir, recipe, out: "model", ["--resume", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Checkpoint(contentsOf: dir.path("model/last.ckpt")).integers("step") == [2])
        let steps = try dir.read("model/log.jsonl").split(separator: "\n")
            .map { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["step"] as! Int }
        #expect(steps == [1, 2, 2])         // train lines of steps 1 and 2, the evaluation of step 2
        #expect(!FileManager.default.fileExists(atPath: dir.path("model/vocab.tgt.tmp-999999999")))
    }

    /// Killed after its last checkpoint, a run has logged steps that the resumed run does again
    /// (maybe the last line only in part): `log.jsonl` keeps each step once, as a run never killed.
    @Test func resumedLogHoldsEachStepOnce() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir)
        #expect(try run(dir, recipe, out: "model", ["--max-steps", "20", "--quiet"]).status == 0)
        let log = dir.path("model/log.jsonl")
        let handle = try #require(FileHandle(forWritingAtPath: log))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"step":21, "epoch":2.1, "train_perplexity":9.5}"#.utf8 + [0x0A]))
        handle.write(Data(#"{"step":22, "epoch":2.2, "train_perp"#.utf8))        // the kill came mid-line
        handle.closeFile()
        let resumed = try run(dir, recipe, out: "model", ["--resume", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let entries = try dir.read("model/log.jsonl").split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(entries.filter { $0["train_perplexity"] != nil }.map { $0["step"] as! Int } == Array(1...40))
        #expect(entries.filter { $0["dev_perplexity"] != nil }.map { $0["step"] as! Int } == [20, 40])
    }

    @Test func badRecipeAndForeignCheckpointAreOneLineErrors() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, extra: "decode: {beam: 0}")
        let bad = try run(dir, recipe, out: "model")
        #expect(bad.status == 1)
        #expect(bad.stderr == "nmt: error: \(recipe):5: decode.beam must be in 1...256, not 0\n")
        let good = try setUp(dir, steps: 2)
        #expect(try run(dir, good, out: "model", ["--quiet"]).status == 0)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path("model/last.ckpt"))))
        bytes.removeLast(100)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.path("model/last.ckpt")))
        let truncated = try run(dir, good, out: "model", ["--resume", "--max-steps", "4", "--quiet"])
        #expect(truncated.status == 1)
        #expect(truncated.stderr == "nmt: error: \(dir.path("model/last.ckpt")): checkpoint is truncated (an interrupted copy or write?)\n")
    }

    /// Resuming with an edited recipe: a key that changes the network or its data is one error
    /// line naming it; others are named in a warning, and the run goes on with config.yaml's.
    @Test func resumingWithAnEditedRecipe() throws {
        let dir = try TemporaryDirectory()
        let recipe = try setUp(dir, steps: 2)
        #expect(try run(dir, recipe, out: "model", ["--quiet"]).status == 0)
        let text = try dir.read("toy.yaml")
        let wider = try dir.write("wider.yaml", text.replacingOccurrences(of: "hidden: 8", with: "hidden: 16"))
        let refused = try run(dir, wider, out: "model", ["--resume"])
        #expect(refused.status == 1 && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("model.hidden is 16, but \(dir.path("model")) was trained with 8"), "\(refused.stderr)")
        let faster = try dir.write("faster.yaml", text.replacingOccurrences(of: "learning_rate: 0.01", with: "learning_rate: 0.02")
            .replacingOccurrences(of: "max_steps: 2", with: "max_steps: 3"))
        let resumed = try run(dir, faster, out: "model", ["--resume", "--max-steps", "3"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("warning") && resumed.stderr.contains("train.learning_rate 0.02 (config.yaml: 0.01)"), "\(resumed.stderr)")
        #expect(try Checkpoint(contentsOf: dir.path("model/last.ckpt")).integers("step") == [3])
    }
}
