import ModelFiles
import Tensor
import Testing
@testable import Train

/// θ̄ ← α_t·θ̄ + (1 − α_t)·θ with α_t = min(α, (1 + t)/(10 + t)), against values worked out by
/// hand.
@Suite struct ExponentialMovingAverageTests {
    /// A store of one [1, 16] tensor whose first two values are `a` and `b` (the rest zero).
    func store(_ a: Float, _ b: Float) -> ParameterStore {
        var layout = ParameterLayout()
        let view = layout.add("w", rows: 1, columns: 16)
        let store = ParameterStore(layout: layout)
        store.value(view)[0, 0] = a
        store.value(view)[0, 1] = b
        return store
    }

    @Test func alphaIsCappedEarlyOn() {
        let average = ExponentialMovingAverage(decay: 0.9999, startingAt: FloatBuffer(count: 16))
        #expect(average.alpha(atStep: 1) == 2.0 / 11)
        #expect(average.alpha(atStep: 90) == 91.0 / 100)
        #expect(average.alpha(atStep: 89_990) == 0.9999)           // (1 + t)/(10 + t) reaches α here
        #expect(average.alpha(atStep: 89_989) < 0.9999)
        #expect(average.alpha(atStep: 1_000_000) == 0.9999)
    }

    /// α = 0.2: α_1 = min(0.2, 2/11) = 2/11, then α_2 = α_3 = 0.2 (3/12 and 4/13 are above it).
    /// θ₀ = (1, −2), then θ = (3, 0), (5, 4), (−1, 8):
    ///   θ̄₁ = 2/11·1 + 9/11·3 = 29/11             θ̄₁ = 2/11·(−2) + 9/11·0 = −4/11
    ///   θ̄₂ = 0.2·29/11 + 0.8·5 = 49.8/11          θ̄₂ = 0.2·(−4/11) + 0.8·4 = 34.4/11
    ///   θ̄₃ = 0.2·49.8/11 + 0.8·(−1) = 1.16/11     θ̄₃ = 0.2·34.4/11 + 0.8·8 = 77.28/11
    @Test func threeStepsMatchTheHandComputation() {
        let parameters = store(1, -2)
        let average = ExponentialMovingAverage(decay: 0.2, startingAt: parameters.values)
        let steps: [(Float, Float)] = [(3, 0), (5, 4), (-1, 8)]
        let expected: [(Double, Double)] = [(29.0 / 11, -4.0 / 11), (49.8 / 11, 34.4 / 11), (1.16 / 11, 77.28 / 11)]
        for (t, (theta, want)) in zip(steps, expected).enumerated() {
            parameters.values.pointer[0] = theta.0
            parameters.values.pointer[1] = theta.1
            average.update(toward: parameters, step: t + 1)
            let got = (Double(average.average.pointer[0]), Double(average.average.pointer[1]))
            let difference = max(abs(got.0 - want.0), abs(got.1 - want.1))
            #expect(difference < 1e-6, "step \(t + 1): θ̄ = \(got), by hand \(want) (largest difference \(difference))")
            #expect((2..<16).allSatisfy { average.average.pointer[$0] == 0 }, "the padding stays zero")
        }
    }

    /// Dev evaluation sees θ̄ in the store, and θ is back bit for bit afterwards.
    @Test func substitutionPutsTheParametersBack() {
        let parameters = store(0.1, -0.3)
        let average = ExponentialMovingAverage(decay: 0.5, startingAt: parameters.values)
        parameters.values.pointer[0] = 0.7
        average.update(toward: parameters, step: 100)                  // α = 0.5: θ̄ = (0.4, −0.3)
        let inside = average.substituted(into: parameters) { (parameters.values.pointer[0], parameters.values.pointer[1]) }
        #expect(abs(inside.0 - 0.4) < 1e-7 && inside.1 == -0.3)
        #expect(parameters.values.pointer[0] == 0.7 && parameters.values.pointer[1] == -0.3)
        #expect(abs(average.average.pointer[0] - 0.4) < 1e-7)
    }

    /// `last.ckpt` of an averaging run holds θ̄ as `parameters` and θ beside it; one of a run
    /// that did not average holds θ alone.
    @Test func restoresTheTrainingParameters() throws {
        let theta = store(1, 2), smoothed = store(3, 4)
        var checkpoint = Checkpoint()
        checkpoint.tensors = [("parameters", smoothed.values), (ExponentialMovingAverage.trainingSection, theta.values)]
        let resumed = store(0, 0)
        let saved = try ExponentialMovingAverage.restoreTraining(resumed, from: checkpoint, path: "last.ckpt")
        #expect(resumed.values.pointer[0] == 1 && resumed.values.pointer[1] == 2)
        #expect(saved?.pointer[0] == 3 && saved?.pointer[1] == 4)

        checkpoint.tensors = [("parameters", theta.values)]
        #expect(try ExponentialMovingAverage.restoreTraining(resumed, from: checkpoint, path: "last.ckpt") == nil)
        #expect(resumed.values.pointer[1] == 2)

        checkpoint.tensors = [("parameters", theta.values), (ExponentialMovingAverage.trainingSection, FloatBuffer(count: 8))]
        #expect(throws: CheckpointError.badSection(path: "last.ckpt", name: ExponentialMovingAverage.trainingSection,
                                                   reason: "holds 8 floats, not 16")) {
            try ExponentialMovingAverage.restoreTraining(resumed, from: checkpoint, path: "last.ckpt")
        }
    }
}

/// `train.average: ema` asks for one more copy of the parameters (θ̄), and resuming reads it from
/// `last.ckpt` too (its bytes and its tensor).
@Suite struct AverageMemoryTests {
    @Test func theAverageCostsOneCopyOfTheParameters() {
        var recipe = Recipe()
        recipe.model.embedding = 16
        recipe.model.hidden = 16
        let configuration = recipe.configuration(sourceVocabularySize: 100, targetVocabularySize: 100)
        func extra(resuming: Bool) -> Double {
            var averaging = recipe
            averaging.train.average = .ema
            return TrainingMemory.bytes(recipe: averaging, configuration: configuration, resuming: resuming)
                - TrainingMemory.bytes(recipe: recipe, configuration: configuration, resuming: resuming)
        }
        let parameterBytes = extra(resuming: false)
        #expect(parameterBytes > 0 && parameterBytes.truncatingRemainder(dividingBy: 64) == 0)  // 4 bytes × a multiple of 16
        #expect(extra(resuming: true) == 3 * parameterBytes)
    }
}
