import Foundation
import Testing
import TestSupport

/// `nmt train` with `model.encoder: bi` and `model.residual: true` (three layers, so that layer 2
/// is residual in both stacks) on `TrainCommandTests`' toy corpus: the training perplexity falls,
/// the model translates, and its checkpoint is refused under a config that says `uni`.
@Suite struct BidirectionalTrainTests {
    @Test func biResidualTrainsTranslatesAndIsRefusedAsUni() throws {
        let dir = try TemporaryDirectory()
        let recipe = try TrainCommandTests().setUp(
            dir, model: "embedding: 8, hidden: 8, layers: 3, attention: general, dropout: 0, encoder: bi, residual: true",
            train: "loss: full, learning_rate: 0.01, batch_size: 8, max_steps: 150, eval_every: 75, log_every: 1, seed: 3")
        let trained = try NmtProcess.run(["train", "--recipe", recipe, "--out", dir.path("model"), "--data", dir.path("data"), "--quiet"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let log = try dir.read("model/log.jsonl").split(separator: "\n")
        let perplexities = try log.compactMap { try (JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["train_perplexity"] as? Double }
        #expect(perplexities.count == 150)
        let first = perplexities.prefix(10).reduce(0, +) / 10, last = perplexities.suffix(10).reduce(0, +) / 10
        print("bi + residual, L=3, toy corpus: train perplexity \(first) (steps 1–10) → \(last) (steps 141–150)")
        #expect(last < first / 2, "train perplexity \(first) → \(last)")
        #expect(try dir.read("model/config.yaml").contains("  encoder: bi\n"))

        let translated = try NmtProcess.run(["translate", "--model", dir.path("model")], stdin: Array("the small package.\n".utf8))
        #expect(translated.status == 0 && translated.stdout.split(separator: "\n").count == 1, "\(translated.stderr)")

        let config = try dir.read("model/config.yaml")
        try dir.write("model/config.yaml", config.replacingOccurrences(of: "  encoder: bi\n", with: "  encoder: uni\n"))
        let refused = try NmtProcess.run(["translate", "--model", dir.path("model")], stdin: Array("the small package.\n".utf8))
        #expect(refused.status == 1)
        #expect(refused.stderr.hasSuffix("it was trained with model.encoder: bi, but \(dir.path("model/config.yaml")) says model.encoder: uni\n"),
                "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }
}
