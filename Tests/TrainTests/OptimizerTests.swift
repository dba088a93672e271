import Foundation
import ModelFiles
import Tensor
import Testing
@testable import Train

/// `Tests/Fixtures/loss/optimizers.json` (written by `Tests/Fixtures/make_loss_fixtures.py`): SGD,
/// Keras 3 Adam and `tf.clip_by_global_norm` in float32, matched to Keras/TF with `--check-tf`.
enum OptimizerFixture {
    static var json: [String: Any] {
        let file = "\(#filePath)"
        let url = URL(fileURLWithPath: String(file[..<file.lastIndex(of: "/")!]) + "/../Fixtures/loss/optimizers.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func floats(_ value: Any?) -> [Float] { (value as! [NSNumber]).map { $0.floatValue } }
}

/// A store of two tensors, [5, 5] and [1, 12], holding the fixture's 37 values in order; the
/// padding between them (offsets 25..<32) must stay zero.
private func twoTensorStore(values: [Float]) -> (ParameterStore, [ParameterView]) {
    var layout = ParameterLayout()
    let views = [layout.add("a", rows: 5, columns: 5), layout.add("b", rows: 1, columns: 12)]
    let store = ParameterStore(layout: layout)
    store.value(views[0]).set(Array(values[0..<25]))
    store.value(views[1]).set(Array(values[25..<37]))
    return (store, views)
}

private func flat(_ store: ParameterStore, _ views: [ParameterView], gradients: Bool = false) -> [Float] {
    views.flatMap { (gradients ? store.gradient($0) : store.value($0)).array }
}

/// The fixture's weights after Adam (rate 0.01) took each of its gradients without a break: what a
/// resumed run must end with.
private func uninterruptedAdam() -> (ParameterStore, [ParameterView], [[Float]]) {
    let fixture = OptimizerFixture.json
    let gradients = (fixture["gradients"] as! [Any]).map(OptimizerFixture.floats)
    let (store, views) = twoTensorStore(values: OptimizerFixture.floats(fixture["weights"]))
    let adam = Adam(learningRate: 0.01)
    for g in gradients { setGradients(store, views, g); adam.update(store) }
    return (store, views, gradients)
}

private func setGradients(_ store: ParameterStore, _ views: [ParameterView], _ g: [Float]) {
    store.gradient(views[0]).set(Array(g[0..<25]))
    store.gradient(views[1]).set(Array(g[25..<37]))
}

@Suite struct OptimizerTests {
    @Test func sgdStepIsLearningRateTimesGradient() {
        let fixture = OptimizerFixture.json
        let (store, views) = twoTensorStore(values: OptimizerFixture.floats(fixture["weights"]))
        let gradient = OptimizerFixture.floats((fixture["gradients"] as! [Any])[0])
        setGradients(store, views, gradient)
        SGD(learningRate: 0.1).update(store)
        #expect(flat(store, views) == OptimizerFixture.floats((fixture["sgd"] as! [Any])[0]))
    }

    /// Four Keras 3 steps, bit for bit (the fixture is NumPy float32 in Keras' order of operations,
    /// equal to Keras 3.15 itself), including zero gradients and a 1e-4-scale one; the moments too.
    @Test func adamStepsEqualKerasBitForBit() {
        let fixture = OptimizerFixture.json
        let (store, views) = twoTensorStore(values: OptimizerFixture.floats(fixture["weights"]))
        let adam = Adam(learningRate: 0.01)
        let steps = fixture["adam"] as! [[String: Any]]
        for (t, gradient) in (fixture["gradients"] as! [Any]).enumerated() {
            setGradients(store, views, OptimizerFixture.floats(gradient))
            adam.update(store)
            let w = flat(store, views), expected = OptimizerFixture.floats(steps[t]["w"])
            let worst = zip(w, expected).map { abs($0 - $1) }.max()!
            #expect(w == expected, "step \(t + 1): largest difference \(worst)")
            let m = views.flatMap { Matrix(adam.firstMoment.pointer + $0.offset, rows: $0.rows, columns: $0.columns).array }
            let v = views.flatMap { Matrix(adam.secondMoment.pointer + $0.offset, rows: $0.rows, columns: $0.columns).array }
            #expect(m == OptimizerFixture.floats(steps[t]["m"]) && v == OptimizerFixture.floats(steps[t]["v"]))
        }
        #expect(adam.step == 4)
        #expect(Array(UnsafeBufferPointer(start: store.values.pointer + 25, count: 7)) == [Float](repeating: 0, count: 7))
    }

    /// The hand formula in Double for one element over three steps (independent of the fixture).
    @Test func adamMatchesTheFormulaInDouble() {
        var layout = ParameterLayout()
        let view = layout.add("w", rows: 1, columns: 1)
        let store = ParameterStore(layout: layout)
        store.value(view)[0, 0] = 0.5
        let adam = Adam(learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
        var w = 0.5, m = 0.0, v = 0.0
        for (t, g) in [0.3, -1.2, 0.05].enumerated() {
            store.gradient(view)[0, 0] = Float(g)
            adam.update(store)
            m += (g - m) * 0.1
            v += (g * g - v) * 0.001
            let alpha = 0.001 * (1 - pow(0.999, Double(t + 1))).squareRoot() / (1 - pow(0.9, Double(t + 1)))
            w -= m * alpha / (v.squareRoot() + 1e-7)
            #expect(abs(Double(store.value(view)[0, 0]) - w) < 1e-6, "step \(t + 1)")
        }
    }

    /// Restoring the step count and moments continues exactly as an uninterrupted run.
    @Test func adamStateRoundTrips() {
        let (store, views, gradients) = uninterruptedAdam()
        let (resumedStore, _) = twoTensorStore(values: OptimizerFixture.floats(OptimizerFixture.json["weights"]))
        let first = Adam(learningRate: 0.01)
        for g in gradients[0..<2] { setGradients(resumedStore, views, g); first.update(resumedStore) }
        let resumed = Adam(learningRate: 0.01)
        resumed.restore(step: first.step,
                        firstMoment: UnsafeBufferPointer(start: first.firstMoment.pointer, count: first.firstMoment.count),
                        secondMoment: UnsafeBufferPointer(start: first.secondMoment.pointer, count: first.secondMoment.count))
        for g in gradients[2...] { setGradients(resumedStore, views, g); resumed.update(resumedStore) }
        #expect(flat(resumedStore, views) == flat(store, views) && resumed.step == 4)
    }

    /// Adam writes its own sections and continues from them as an uninterrupted run; SGD writes
    /// none; a moment of the wrong size is an error naming the file and the section.
    @Test func optimizersSaveAndRestoreTheirOwnSections() throws {
        let (store, views, gradients) = uninterruptedAdam()
        let (resumedStore, _) = twoTensorStore(values: OptimizerFixture.floats(OptimizerFixture.json["weights"]))
        let first = Adam(learningRate: 0.01)
        var checkpoint = Checkpoint()
        first.save(into: &checkpoint)                 // before any update: empty moments at step 0
        try Adam(learningRate: 0.01).restore(from: checkpoint, parameterCount: store.count, path: "a.ckpt")
        for g in gradients[0..<2] { setGradients(resumedStore, views, g); first.update(resumedStore) }
        checkpoint = Checkpoint()
        first.save(into: &checkpoint)
        #expect(checkpoint.integers.map(\.name) == ["adam.step"] && checkpoint.tensors.map(\.name) == ["adam.m", "adam.v"])
        let resumed = Adam(learningRate: 0.01)
        try resumed.restore(from: checkpoint, parameterCount: store.count, path: "a.ckpt")
        for g in gradients[2...] { setGradients(resumedStore, views, g); resumed.update(resumedStore) }
        #expect(flat(resumedStore, views) == flat(store, views) && resumed.step == 4)

        var sgd = Checkpoint()
        SGD(learningRate: 1).save(into: &sgd)
        #expect(sgd.integers.isEmpty && sgd.tensors.isEmpty && sgd.texts.isEmpty)
        try Adam(learningRate: 0.01).restore(from: sgd, parameterCount: store.count, path: "a.ckpt")     // a new Adam

        checkpoint.tensors = checkpoint.tensors.map { ($0.name, FloatBuffer(count: $0.name == "adam.v" ? 8 : $0.buffer.count)) }
        #expect(throws: CheckpointError.badSection(path: "a.ckpt", name: "adam.v", reason: "holds 8 floats, not \(store.count)")) {
            try Adam(learningRate: 0.01).restore(from: checkpoint, parameterCount: store.count, path: "a.ckpt")
        }
    }

    /// The vector loop against the scalar formula on a larger store (one step from zero moments).
    @Test func vectorLoopMatchesTheScalarFormula() {
        var layout = ParameterLayout()
        let view = layout.add("w", rows: 3, columns: 1001)
        let stores = (0..<2).map { _ in ParameterStore(layout: layout) }
        for store in stores {
            store.initializeUniform(scale: 0.1, seed: 4)
            for k in 0..<view.count { store.gradients.pointer[k] = Float(k % 97) / 97 - 0.5 }
        }
        Adam(learningRate: 0.01).update(stores[0])
        let w = stores[1].values.pointer, g = stores[1].gradients.pointer
        let alpha = Float(0.01) * Float(1 - Float(0.999)).squareRoot() / Float(1 - Float(0.9))
        for k in 0..<view.count {
            let m = g[k] * Float(1 - 0.9), v = g[k] * g[k] * Float(1 - 0.999)
            w[k] -= (m * alpha) / (v.squareRoot() + Float(1e-7))
        }
        #expect(stores[0].value(view).array == stores[1].value(view).array)
    }
}

@Suite struct GradientClippingTests {
    /// TF's norm and scale, for a norm above, near and below the limit.
    @Test func clipsAsTensorFlowDoes() {
        let fixture = OptimizerFixture.json
        let tensors = fixture["clipTensors"] as! [String: Any]
        var layout = ParameterLayout()
        let a = layout.add("a", rows: 4, columns: 5), c = layout.add("c", rows: 1, columns: 7)
        for clip in fixture["clip"] as! [[String: Any]] {
            let store = ParameterStore(layout: layout)
            store.gradient(a).set(OptimizerFixture.floats(tensors["a"]))
            store.gradient(c).set(OptimizerFixture.floats(tensors["c"]))
            let maxNorm = (clip["maxNorm"] as! NSNumber).floatValue
            let norm = GradientClipping.clipByGlobalNorm(store, maxNorm: maxNorm)
            #expect(abs(norm - (clip["norm"] as! NSNumber).floatValue) <= 1e-6 * norm)
            let clipped = store.gradient(a).array + store.gradient(c).array
            let expected = OptimizerFixture.floats(clip["clipped"])
            let worst = zip(clipped, expected).map { abs($0 - $1) / max(abs($1), 1e-30) }.max()!
            #expect(worst <= 1e-6, "maxNorm \(maxNorm): largest relative difference \(worst)")
            if norm <= maxNorm { #expect(clipped == OptimizerFixture.floats(tensors["a"]) + OptimizerFixture.floats(tensors["c"])) }
        }
    }

    /// An infinite or NaN norm makes every gradient NaN, as in TF; the norm is returned.
    @Test func nonFiniteNormPoisonsTheGradients() {
        var layout = ParameterLayout()
        let view = layout.add("w", rows: 2, columns: 3)
        let store = ParameterStore(layout: layout)
        store.gradient(view).set([1, 2, .infinity, 0, 0, 1])
        let norm = GradientClipping.clipByGlobalNorm(store, maxNorm: 5)
        #expect(norm == .infinity)
        #expect(store.gradient(view).array.allSatisfy { $0.isNaN })
    }

    /// A zero gradient stays zero (1/0 = ∞ in TF's min, scale 1).
    @Test func zeroGradientIsLeftAlone() {
        var layout = ParameterLayout()
        let view = layout.add("w", rows: 2, columns: 3)
        let store = ParameterStore(layout: layout)
        #expect(GradientClipping.clipByGlobalNorm(store, maxNorm: 5) == 0)
        #expect(store.gradient(view).array == [0, 0, 0, 0, 0, 0])
    }

    /// With a slice norm for output.weight/bias (`SampledSoftmax.sliceSquaredNorm`, checked
    /// against TF in LossTests), the merged rows of those views are left out of the sum.
    @Test func sliceNormsReplaceTheMergedRows() {
        var layout = ParameterLayout()
        let other = layout.add("other", rows: 2, columns: 3)
        let weight = layout.add("output.weight", rows: 4, columns: 2)
        let bias = layout.add("output.bias", rows: 1, columns: 4)
        let store = ParameterStore(layout: layout)
        store.gradient(other).set([3, 0, 0, 0, 0, 4])                   // 25
        store.gradient(weight).set([1, 1, 1, 1, 1, 1, 1, 1])            // merged: 8
        store.gradient(bias).set([2, 0, 0, 0])                          // merged: 4
        let slices = GradientClipping.Slices(views: [bias, weight], squaredNorm: 24)
        let norm = GradientClipping.clipByGlobalNorm(store, maxNorm: 100, slices: [slices])
        #expect(norm == 7)                                              // sqrt(25 + 24)
        #expect(GradientClipping.clipByGlobalNorm(store, maxNorm: 100) == Float(37).squareRoot())
    }
}
