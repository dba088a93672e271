import Foundation
import IO
import Tensor
import Testing
@testable import Loss

@Suite struct SampledSoftmaxTests {
    /// The fixture's inputs in a store and a states buffer.
    private func load(_ fixture: SampledSoftmaxFixture) -> (Projection, FloatBuffer) {
        let projection = Projection(vocabulary: fixture.vocabulary, hidden: fixture.hidden, numSampled: fixture.candidates.count)
        projection.weight.set(fixture.weight)
        projection.bias.set(fixture.bias)
        let states = FloatBuffer(count: fixture.rows * fixture.hidden)
        states.matrix.set(fixture.states)
        return (projection, states)
    }

    /// The loss and the gradients of h, W and b against TF's formula in float64 (NumPy), for the
    /// fixture's fixed candidates; the expected counts against TF's formula too.
    @Test(arguments: SampledSoftmaxFixture.all)
    func matchesTheNumPyReference(_ fixture: SampledSoftmaxFixture) {
        let (projection, statesBuffer) = load(fixture)
        defer { withExtendedLifetime(statesBuffer) {} }     // `states` only points into it
        let sampler = projection.loss.sampler
        let sampled = fixture.candidates.count
        let counts = fixture.candidates.map { sampler.expectedCount(of: Int($0), numSampled: sampled, numTries: fixture.numTries) }
        let trueCounts = fixture.labels.map { sampler.expectedCount(of: Int($0), numSampled: sampled, numTries: fixture.numTries) }
        #expect(worstDifference(counts, fixture.expectedCounts, relative: 1e-6, absolute: 0) <= 1)
        #expect(worstDifference(trueCounts, fixture.trueExpectedCounts, relative: 1e-6, absolute: 0) <= 1)

        let candidates = LogUniformSampler.Candidates(ids: fixture.candidates, expectedCounts: counts, numTries: fixture.numTries)
        let states = Matrix(statesBuffer.pointer, rows: fixture.rows, columns: fixture.hidden)
        // Gradients are added: start from 1 everywhere and subtract it afterwards.
        projection.store.gradients.matrix.fill(1)
        let (loss, dStates) = fixture.labels.withUnsafeBufferPointer { labels in
            fixture.weights.withUnsafeBufferPointer { weights in
                projection.loss.forwardBackward(states: states, labels: labels.baseAddress!, weights: weights.baseAddress!,
                                                scale: fixture.scale, candidates: candidates,
                                                parameters: projection.store, workspace: projection.workspace)
            }
        }
        let dWeight = projection.store.gradient(projection.loss.weight).array.map { $0 - 1 }
        let dBias = projection.store.gradient(projection.loss.bias).array.map { $0 - 1 }
        let results = [("loss", worstDifference([loss], [fixture.loss])),
                       ("dStates", worstDifference(dStates.array, fixture.dStates)),
                       ("dWeight", worstDifference(dWeight, fixture.dWeight)),
                       ("dBias", worstDifference(dBias, fixture.dBias)),
                       ("slice norm", worstDifference([projection.loss.sliceSquaredNorm], [fixture.sliceSquaredNorm]))]
        for (name, worst) in results {
            #expect(worst <= 1, "\(fixture.name) \(name): largest difference \(worst) × (1e-4·|reference| + 1e-6)")
        }
        // Nothing else in the store moved.
        #expect(projection.store.gradient(projection.store.layout.views[0]).array.allSatisfy { $0 == 1 })
        // Rows of weight 0 get no gradient.
        for row in 0..<fixture.rows where fixture.weights[row] == 0 {
            #expect(dStates.array[row * fixture.hidden ..< (row + 1) * fixture.hidden].allSatisfy { $0 == 0 })
        }
    }

    /// Evaluation is the full softmax over the vocabulary, rows of weight 0 left out.
    @Test(arguments: SampledSoftmaxFixture.all)
    func evaluatesTheFullSoftmax(_ fixture: SampledSoftmaxFixture) {
        let (projection, statesBuffer) = load(fixture)
        defer { withExtendedLifetime(statesBuffer) {} }
        let states = Matrix(statesBuffer.pointer, rows: fixture.rows, columns: fixture.hidden)
        let (crossEntropy, weight) = fixture.labels.withUnsafeBufferPointer { labels in
            fixture.weights.withUnsafeBufferPointer { weights in
                projection.loss.evaluate(states: states, labels: labels.baseAddress!, weights: weights.baseAddress!,
                                         parameters: projection.store, workspace: projection.workspace)
            }
        }
        #expect(worstDifference([crossEntropy], [fixture.evalCrossEntropy]) <= 1, "\(crossEntropy) vs \(fixture.evalCrossEntropy)")
        #expect(weight == fixture.evalWeight)
        #expect(projection.store.gradients.matrix.array.allSatisfy { $0 == 0 })
    }

    /// More live rows than `evaluationRows`, so evaluation runs block by block: it still gives
    /// the full softmax's cross-entropy (checked in Double here), and the unblocked evaluation's.
    @Test func evaluatesInBlocksOfRows() {
        let vocabulary = 40, hidden = 5, rows = 2 * SampledSoftmax.evaluationRows + 37
        let projection = Projection(vocabulary: vocabulary, hidden: hidden, numSampled: 8)
        var random = SplitMix64(seed: 11)
        func uniform() -> Float { Float(random.next() >> 40) * 0x1p-23 - 1 }
        for k in 0..<(vocabulary * hidden) { projection.weight.base[k] = uniform() }
        for k in 0..<vocabulary { projection.bias.base[k] = uniform() }
        let statesBuffer = FloatBuffer(count: rows * hidden)
        let states = Matrix(statesBuffer.pointer, rows: rows, columns: hidden)
        for k in 0..<(rows * hidden) { states.base[k] = 3 * uniform() }
        let labels = (0..<rows).map { Int32($0 * 7 % vocabulary) }
        let weights = (0..<rows).map { $0 % 5 == 0 ? Float(0) : $0 % 3 == 0 ? 0.5 : 1 }

        var reference = 0.0
        for r in 0..<rows where weights[r] != 0 {
            let logits = (0..<vocabulary).map { v in
                Double(projection.bias[0, v]) + (0..<hidden).reduce(0.0) { $0 + Double(states[r, $1]) * Double(projection.weight[v, $1]) }
            }
            let maximum = logits.max()!
            reference += Double(weights[r]) * (maximum + log(logits.reduce(0) { $0 + exp($1 - maximum) }) - logits[Int(labels[r])])
        }
        let (blocked, unblocked) = labels.withUnsafeBufferPointer { l in
            weights.withUnsafeBufferPointer { w in
                (projection.loss.evaluate(states: states, labels: l.baseAddress!, weights: w.baseAddress!,
                                          parameters: projection.store, workspace: projection.workspace),
                 SoftmaxCrossEntropy(weight: projection.loss.weight, bias: projection.loss.bias)
                    .evaluate(states: states, labels: l.baseAddress!, weights: w.baseAddress!,
                              parameters: projection.store, workspace: Workspace()))
            }
        }
        withExtendedLifetime(statesBuffer) {}
        #expect(abs(blocked.crossEntropy - reference) <= 1e-5 * reference, "\(blocked.crossEntropy) vs \(reference)")
        #expect(abs(blocked.crossEntropy - unblocked.crossEntropy) <= 1e-6 * reference)
        #expect(blocked.weight == unblocked.weight && blocked.weight == Double(weights.reduce(0, +)))
    }

    /// Central differences of the loss (in Double) against every gradient of h, W and b, with
    /// accidental hits, a repeated label, a fractional weight and padding rows.
    @Test func gradientsMatchFiniteDifferences() {
        let vocabulary = 25, hidden = 6, rows = 8, sampled = 7
        let projection = Projection(vocabulary: vocabulary, hidden: hidden, numSampled: sampled, seed: 3)
        var random = SplitMix64(seed: 11)
        func uniform(_ scale: Float) -> Float { (Float(random.next() >> 40) / Float(1 << 24) * 2 - 1) * scale }
        for k in 0..<projection.weight.count { projection.weight.base[k] = uniform(1) }
        for k in 0..<vocabulary { projection.bias.base[k] = uniform(0.5) }
        let statesBuffer = FloatBuffer(count: rows * hidden)
        defer { withExtendedLifetime(statesBuffer) {} }
        for k in 0..<rows * hidden { statesBuffer.pointer[k] = uniform(1.5) }
        let states = Matrix(statesBuffer.pointer, rows: rows, columns: hidden)
        let candidates = projection.loss.sampler.sample(sampled, trueClasses: []).candidates
        var labels = (0..<rows).map { _ in Int32(random.next() % UInt64(vocabulary)) }
        labels[1] = candidates.ids[0]; labels[4] = candidates.ids[3]        // accidental hits
        labels[6] = labels[2]                                                // a repeated label
        let weights: [Float] = [1, 1, 1, 0, 0.5, 1, 1, 0]

        func lossAndGradients() -> Double {
            projection.store.zeroGradients()
            projection.workspace.reset()
            return labels.withUnsafeBufferPointer { l in
                weights.withUnsafeBufferPointer { w in
                    let (loss, dStates) = projection.loss.forwardBackward(
                        states: states, labels: l.baseAddress!, weights: w.baseAddress!, scale: 0.5,
                        candidates: candidates, parameters: projection.store, workspace: projection.workspace)
                    dStatesCopy = dStates.array
                    return loss
                }
            }
        }
        var dStatesCopy: [Float] = []
        _ = lossAndGradients()
        let analytic = dStatesCopy + projection.store.gradient(projection.loss.weight).array
            + projection.store.gradient(projection.loss.bias).array
        let variables = (0..<rows * hidden).map { statesBuffer.pointer + $0 }
            + (0..<vocabulary * hidden).map { projection.weight.base + $0 }
            + (0..<vocabulary).map { projection.bias.base + $0 }
        let epsilon: Float = 1e-2
        var worst = 0.0
        for (variable, gradient) in zip(variables, analytic) {
            let saved = variable.pointee
            variable.pointee = saved + epsilon
            let plus = lossAndGradients()
            variable.pointee = saved - epsilon
            let minus = lossAndGradients()
            variable.pointee = saved
            let numeric = (plus - minus) / Double(2 * epsilon)
            worst = max(worst, abs(numeric - Double(gradient)) / (1e-2 * abs(numeric) + 1e-3))
        }
        #expect(worst <= 1, "largest difference \(worst) × (1e-2·|numeric| + 1e-3)")
        // Rows of W that are neither labels nor candidates have exactly zero gradient.
        let touched = Set(labels.enumerated().filter { weights[$0.offset] != 0 }.map { Int($0.element) } + candidates.ids.map(Int.init))
        let dWeight = Matrix(projection.store.gradients.pointer + projection.loss.weight.offset, rows: vocabulary, columns: hidden)
        for id in 0..<vocabulary where !touched.contains(id) {
            #expect((0..<hidden).allSatisfy { dWeight[id, $0] == 0 })
        }
    }

    /// Through the sampler: the same as passing its draw explicitly; the state restores the
    /// draw; a second step of the same shape allocates no workspace.
    @Test func samplesOneCandidateSetPerCallAndReusesTheWorkspace() {
        let vocabulary = 300, hidden = 8, rows = 10
        let projection = Projection(vocabulary: vocabulary, hidden: hidden, numSampled: 20, seed: 5)
        projection.store.initializeUniform(scale: 0.5, seed: 2)
        let statesBuffer = FloatBuffer(count: rows * hidden)
        defer { withExtendedLifetime(statesBuffer) {} }
        for k in 0..<rows * hidden { statesBuffer.pointer[k] = Float(k % 7) / 7 - 0.4 }
        let states = Matrix(statesBuffer.pointer, rows: rows, columns: hidden)
        let labels: [Int32] = [5, 0, 17, 2, 2, 250, 9, 1, 0, 0]
        let weights: [Float] = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
        func step(_ candidates: LogUniformSampler.Candidates?) -> (Double, [Float], [Float]) {
            projection.store.zeroGradients()
            projection.workspace.reset()
            return labels.withUnsafeBufferPointer { l in
                weights.withUnsafeBufferPointer { w in
                    let result = candidates.map {
                        projection.loss.forwardBackward(states: states, labels: l.baseAddress!, weights: w.baseAddress!, scale: 1,
                                                        candidates: $0, parameters: projection.store, workspace: projection.workspace)
                    } ?? projection.loss.forwardBackward(states: states, labels: l.baseAddress!, weights: w.baseAddress!, scale: 1,
                                                         parameters: projection.store, workspace: projection.workspace)
                    return (result.loss, result.dStates.array, projection.store.gradients.matrix.array)
                }
            }
        }
        let sampler = projection.loss.sampler
        let state = sampler.state
        let first = step(nil)
        let capacity = projection.workspace.capacity
        let second = step(nil)
        #expect(projection.workspace.capacity == capacity)
        #expect(first.0 != second.0)                       // a new candidate set each call
        sampler.state = state
        let explicit = step(sampler.sample(20, trueClasses: []).candidates)
        #expect(first.0 == explicit.0 && first.1 == explicit.1 && first.2 == explicit.2)
    }
}
