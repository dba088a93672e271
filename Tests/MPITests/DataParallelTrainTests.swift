import Foundation
import ModelFiles
import Tensor
import Testing
import TestSupport

/// `mpirun -np N nmt train`: N ranks share each global batch and end with the parameters of one
/// process up to the order of the sums (dropout and sampled softmax on, so both the masks and the
/// shared candidates must follow the global batch); a resumed run may use another number of ranks;
/// rank 0 alone writes, and every log line says how many ranks trained.
@Suite(.enabled(if: MPIRun.path != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"),
       .serialized)
struct DataParallelTrainTests {
    /// A small corpus of the shipped one and a recipe with every source of randomness on: two
    /// layers with dropout between them, sampled softmax, a global batch of 12 (3 ranks get 4 rows each, 5 ranks 2 or 3).
    final class Setting {
        let scratch: TemporaryDirectory
        let recipe: String
        init(steps: Int = 30, evalEvery: Int = 1000) throws {
            scratch = try TemporaryDirectory()
            let corpus = scratch.path("corpus")
            try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
            let shipped = NmtProcess.root.appendingPathComponent("corpora/ddtp-en-fr")
            for (split, lines) in [("train", 600), ("dev", 20), ("test", 20)] {
                for side in ["en", "fr"] {
                    let text = try String(contentsOf: shipped.appendingPathComponent("\(split).\(side)"), encoding: .utf8)
                    let head = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(lines)
                    try (head.joined(separator: "\n") + "\n").write(toFile: "\(corpus)/\(split).\(side)", atomically: true, encoding: .utf8)
                }
            }
            recipe = scratch.path("dp.yaml")
            try """
            name: dp
            data:   {corpus: \(corpus), src: en, tgt: fr, tokenizer: reversible, bpe_merges: 100,
                     src_vocab: 300, tgt_vocab: 300, min_count: 1, max_length: 20, lowercase: false, reverse_source: true,
                     buckets: [[10, 12], [20, 22]]}
            model:  {embedding: 16, hidden: 16, layers: 2, attention: general, input_feeding: true, dropout: 0.3}
            train:  {loss: sampled, num_sampled: 40, optimizer: adam, learning_rate: 0.01, decay: 0.5,
                     max_gradient_norm: 1.0, batch_size: 12, max_minutes: 10, max_steps: \(steps), eval_every: \(evalEvery), log_every: 5, seed: 3}
            decode: {beam: 1, length_penalty: 1.0, max_length_ratio: 2.0}
            """.write(toFile: recipe, atomically: true, encoding: .utf8)
        }

        func arguments(_ model: String, _ extra: [String] = []) -> [String] {
            ["train", "--recipe", recipe, "--out", scratch.path(model), "--data", scratch.path("data"), "--quiet"] + extra
        }

        /// One process, without mpirun.
        func trainAlone(_ model: String, _ extra: [String] = []) throws {
            let run = try NmtProcess.run(arguments(model, extra))
            #expect(run.status == 0, "\(run.stderr)")
        }

        func train(ranks: Int, _ model: String, _ extra: [String] = []) throws {
            let run = try MPIRun.run(ranks: ranks, NmtProcess.executable, arguments(model, extra))
            #expect(run.status == 0 && run.stderr.isEmpty, "\(ranks) ranks: \(run.stderr)")
        }

        func parameters(_ model: String) throws -> [Float] {
            let checkpoint = try Checkpoint(contentsOf: scratch.path("\(model)/last.ckpt"))
            let buffer = try #require(checkpoint.tensor("parameters"))
            return withExtendedLifetime(buffer) { Array(UnsafeBufferPointer(start: buffer.pointer, count: buffer.count)) }
        }

        /// log.jsonl's lines as JSON objects.
        func log(_ model: String) throws -> [[String: Any]] {
            let text = try String(contentsOfFile: scratch.path("\(model)/log.jsonl"), encoding: .utf8)
            return try text.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        }
    }

    /// max |a − b| / max |a|: the difference against the parameters' scale. Summation order alone
    /// leaves a few float ulps per step; Adam's m/√v turns them into differences of ~1e-6 of the
    /// scale over 30 steps. A wrong slice, scale or mask is ~1e-2 (seen: masks by local row, 0.55).
    static func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "\(a.count) against \(b.count) parameters")
        var difference = 0.0, scale = 0.0
        for i in a.indices {
            difference = max(difference, Double(abs(a[i] - b[i])))
            scale = max(scale, Double(abs(a[i])))
        }
        return difference / scale
    }

    static let bound = 1e-4

    @Test func ranksTrainAsOneProcess() throws {
        let setting = try Setting()
        try setting.trainAlone("one")
        let one = try setting.parameters("one")
        for ranks in [2, 3, 5] {
            try setting.train(ranks: ranks, "ranks\(ranks)")
            let difference = Self.relativeDifference(one, try setting.parameters("ranks\(ranks)"))
            #expect(difference <= Self.bound, "\(ranks) ranks: relative difference \(difference)")
            print("data-parallel: \(ranks) ranks against one process after 30 steps: relative difference \(difference)")
            let lines = try setting.log("ranks\(ranks)")
            #expect(!lines.isEmpty && lines.allSatisfy { $0["ranks"] as? Int == ranks }, "\(lines)")
            // The train perplexity each rank logs is the global batch's, as one process logs it.
            let alone = try setting.log("one").compactMap { $0["train_perplexity"] as? Double }
            let shared = lines.compactMap { $0["train_perplexity"] as? Double }
            #expect(alone.count == shared.count && zip(alone, shared).allSatisfy { abs($0 - $1) <= 1e-4 * $0 }, "\(alone) \(shared)")
            // The dev evaluation, shared among the ranks (every Nth dev batch, a share of the dev
            // translation gathered on rank 0), gives one process's figures.
            let evaluations = try setting.log("one").filter { $0["dev_perplexity"] != nil }
            let sharedEvaluations = lines.filter { $0["dev_perplexity"] != nil }
            #expect(evaluations.count == 1 && sharedEvaluations.count == 1)
            if let a = evaluations.first, let b = sharedEvaluations.first,
               let p = a["dev_perplexity"] as? Double, let q = b["dev_perplexity"] as? Double {
                #expect(abs(p - q) <= 1e-4 * p, "dev perplexity \(q) on \(ranks) ranks, \(p) alone")
                #expect(a["dev_bleu"] as? Double == b["dev_bleu"] as? Double, "dev BLEU \(b) on \(ranks) ranks, \(a) alone")
                print("data-parallel: dev perplexity \(q) on \(ranks) ranks, \(p) alone; dev BLEU \(b["dev_bleu"]!), \(a["dev_bleu"]!)")
            }
        }
        #expect(try setting.log("one").allSatisfy { $0["ranks"] == nil })
    }

    /// 15 steps on 2 ranks, then 15 more resumed on 3, end where one process ends after 30.
    @Test func resumeWithAnotherNumberOfRanks() throws {
        let setting = try Setting()
        try setting.trainAlone("one")
        try setting.train(ranks: 2, "resumed", ["--max-steps", "15"])
        try setting.train(ranks: 3, "resumed", ["--resume"])
        let difference = Self.relativeDifference(try setting.parameters("one"), try setting.parameters("resumed"))
        #expect(difference <= Self.bound, "relative difference \(difference)")
    }

    /// A batch smaller than the ranks it would be shared among is one error line.
    @Test func moreRanksThanRowsIsAnError() throws {
        let setting = try Setting()
        let small = setting.scratch.path("small.yaml")
        try String(contentsOfFile: setting.recipe, encoding: .utf8).replacingOccurrences(of: "batch_size: 12", with: "batch_size: 1")
            .write(toFile: small, atomically: true, encoding: .utf8)
        let failed = try MPIRun.run(ranks: 2, NmtProcess.executable,
                                    ["train", "--recipe", small, "--out", setting.scratch.path("s"), "--data", setting.scratch.path("data"), "--quiet"])
        #expect(failed.status == 1)
        #expect(failed.stderr == "nmt: error: \(small): train.batch_size 1 is smaller than the 2 ranks it is shared among; use fewer ranks\n")
    }
}

/// Faults: a rank killed outright ends the job, and SIGTERM to mpirun stops every rank at one step
/// with a checkpoint; both leave a `last.ckpt` that `--resume` continues.
@Suite(.enabled(if: MPIRun.path != nil, "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"),
       .serialized)
struct DataParallelFaultTests {
    typealias Setting = DataParallelTrainTests.Setting

    /// The pid of `rank` of a running training into `model` (from /proc: the rank's environment).
    static func pid(ofRank rank: Int, training model: String) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let command = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  String(decoding: command, as: UTF8.self).contains(model),
                  let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }

    /// Waits up to `seconds` for `condition`.
    static func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }

    @Test func aKilledRankEndsTheJob() throws {
        let setting = try Setting(steps: 1_000_000, evalEvery: 10)
        let model = setting.scratch.path("killed")
        let job = try MPIRun.Job(ranks: 2, NmtProcess.executable, setting.arguments("killed"), quiet: false)
        defer { if job.process.isRunning { job.process.terminate() } }
        #expect(Self.wait(120) { FileManager.default.fileExists(atPath: "\(model)/last.ckpt") }, "no checkpoint")
        let victim = try #require(Self.pid(ofRank: 1, training: model))
        kill(victim, SIGKILL)
        let killed = Date()
        let result = try job.wait()
        #expect(Date().timeIntervalSince(killed) < 15, "the job took \(Date().timeIntervalSince(killed)) s to end")
        #expect(result.status != 0)
        #expect(result.stderr.contains("process rank 1") && result.stderr.contains("signal 9"), "\(result.stderr)")
        _ = try Checkpoint(contentsOf: "\(model)/last.ckpt")
        let resumed = try MPIRun.run(ranks: 2, NmtProcess.executable, setting.arguments("killed", ["--resume", "--max-minutes", "0.05"]))
        #expect(resumed.status == 0 && resumed.stderr.isEmpty, "\(resumed.stderr)")
    }

    /// mpirun sends SIGTERM to the ranks `odls_base_sigkill_timeout` seconds (default 1) after it
    /// gets one, then SIGKILL as long after: 5 leaves the ranks time to agree and save.
    @Test func sigtermToMPIRunSavesAndStops() throws {
        let setting = try Setting(steps: 1_000_000)
        let model = setting.scratch.path("stopped")
        let arguments = setting.arguments("stopped", ["--max-minutes", "2"]).filter { $0 != "--quiet" }
        let job = try MPIRun.Job(ranks: 2, NmtProcess.executable, arguments,
                                 environment: ["OMPI_MCA_odls_base_sigkill_timeout": "5"])
        defer { if job.process.isRunning { job.process.terminate() } }
        // Once the ranks train (mpirun, while it starts them, does not pass signals on).
        #expect(Self.wait(100) { (try? String(contentsOfFile: "\(model)/log.jsonl", encoding: .utf8))?.contains("train_perplexity") == true },
                "no log")
        job.process.terminate()     // SIGTERM
        let result = try job.wait()
        let stops = result.stderr.split(separator: "\n").filter { $0.hasPrefix("train: stopped by a signal at step ") }
        #expect(stops.count == 1, "\(result.stderr)")
        let step = try #require(stops.first.flatMap { Int($0.split(separator: " ")[7].dropLast()) }, "\(result.stderr)")
        let resumed = try MPIRun.run(ranks: 2, NmtProcess.executable,
                                     setting.arguments("stopped", ["--resume", "--max-steps", String(step + 2)]).filter { $0 != "--quiet" })
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("parameters, step \(step)\n"), "\(resumed.stderr)")
    }
}
