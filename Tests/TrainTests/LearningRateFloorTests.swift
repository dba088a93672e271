import ModelFiles
import Testing
@testable import Train

/// Issue 11, defect 6: decay stops at `min_learning_rate` (tiny.yaml decayed to ~1e-36 and its
/// model translated every line to an empty one).
@Suite struct LearningRateFloorTests {
    @Test func decayStopsAtTheFloor() {
        var settings = Recipe.TrainSettings()
        settings.learningRate = 0.01
        settings.decay = 0.5
        settings.minLearningRate = 0.001
        var rate = settings.learningRate
        for _ in 0..<120 { rate = Trainer.decayed(rate, settings: settings) }     // tiny.yaml: 3000 steps, eval every 25
        #expect(rate == 0.001)
        settings.minLearningRate = 0
        rate = settings.learningRate
        for _ in 0..<120 { rate = Trainer.decayed(rate, settings: settings) }
        #expect(rate < 1e-36)                                                       // the old behaviour
        // A floor above the initial rate never raises it.
        settings.learningRate = 0.0001
        settings.minLearningRate = 0.001
        #expect(Trainer.decayed(0.0001, settings: settings) == 0.0001)
    }

    /// The counter of evaluations without a better BLEU is in the checkpoint; an old checkpoint
    /// without it reads as 0.
    @Test func patienceCounterSurvivesACheckpoint() throws {
        var state = TrainingState(order: .init(random: 1, passes: [0], cursors: [0], pairsRead: 0), learningRate: 0.01)
        state.evaluationsSinceBest = 2
        var checkpoint = Checkpoint()
        state.save(into: &checkpoint)
        #expect((try? TrainingState(checkpoint: checkpoint, bucketSizes: [1], path: "test.ckpt"))?.evaluationsSinceBest == 2)
        checkpoint.integers.removeAll { $0.name == "evaluations_since_best" }
        #expect((try? TrainingState(checkpoint: checkpoint, bucketSizes: [1], path: "test.ckpt"))?.evaluationsSinceBest == 0)
    }
}
