import Foundation
import Testing
import IO
import Tensor
@testable import Loss
@testable import Model

/// Finite-difference checks of each layer on its own, with a random linear functional of its
/// outputs as the loss (the 4-point central stencil on the layer's own Float forward).
@Suite struct LayerGradientTests {
    static let tolerance = 2e-3

    @Test func embeddingBackwardAddsOnlyTheBatchRows() {
        var layout = ParameterLayout()
        let embedding = Embedding(table: layout.add("embedding", rows: 6, columns: 3))
        let store = ParameterStore(layout: layout)
        var random = TestRandom(seed: 1)
        random.fill(store.value(embedding.table))
        let ids: [Int32] = [1, 4, 1, 0]
        let workspace = Workspace(blockSize: 1 << 12)
        let direction = workspace.matrix(rows: 4, columns: 3)
        random.fill(direction)
        func loss() -> Double {
            let output = workspace.uninitialized(rows: 4, columns: 3)
            ids.withUnsafeBufferPointer { embedding.forward(ids: $0, into: output, parameters: store) }
            return output.dot(direction)
        }
        ids.withUnsafeBufferPointer { embedding.backward(ids: $0, dOutput: direction, parameters: store) }
        let report = GradientCheck.check(name: "embedding", values: store.value(embedding.table),
                                          analytic: store.gradient(embedding.table).array, loss: loss)
        print("Embedding: \(report)")
        #expect(report.worst < Self.tolerance, "\(report)")
        for row in [2, 3, 5] { #expect(store.gradient(embedding.table).rows(row..<(row + 1)).array == [0, 0, 0]) }
        let doubled = (0..<3).map { direction[0, $0] + direction[2, $0] }   // id 1 appears twice
        #expect(store.gradient(embedding.table).rows(1..<2).array == doubled)
    }

    /// The encoder's use: two layers over a left-padded batch (one sentence empty), inputs for
    /// all steps projected at once; the loss reads every output and the final (h, c) of each layer.
    @Test func lstmStackOverLeftPaddedBatch() {
        let E = 3, H = 4
        var layout = ParameterLayout()
        let lstm = LSTM(name: "encoder", input: E, hidden: H, layers: 2, layout: &layout)
        let store = ParameterStore(layout: layout)
        var random = TestRandom(seed: 2)
        random.fill(store.values.matrix, scale: 0.5)
        let packing = PackedSequences(lengths: [5, 2, 0, 3], steps: 5, padding: .left)
        #expect(packing.counts == [1, 1, 2, 3, 3] && packing.order == [0, 3, 1, 2])
        let rows = packing.rowCount, finalRows = packing.counts[4]
        let data = FloatBuffer(count: 1024)
        let inputs = Matrix(data.pointer + 896, rows: rows, columns: E)
        random.fill(inputs)
        let directions = (0..<5).map { i in Matrix(data.pointer + i * 128, rows: i == 0 ? rows : finalRows, columns: H) }
        for direction in directions { random.fill(direction) }
        let workspace = Workspace(blockSize: 1 << 14)
        func run() -> LSTM.Cache {
            workspace.reset()
            var cache = lstm.makeCache(rows: rows, workspace: workspace)
            cache.layers[0].inputs.columns(0..<E).copy(from: inputs)
            lstm.forward(packing: packing, cache: &cache, dropout: 0, stream: DropoutStream(seed: 0), parameters: store,
                         workspace: workspace)
            return cache
        }
        func loss() -> Double {
            let cache = run()
            var total = cache.outputs.dot(directions[0])
            for l in 0..<2 {
                total += packing.block(4, of: cache.layers[l].outputs).dot(directions[1 + 2 * l])
                total += packing.block(4, of: cache.layers[l].cells).dot(directions[2 + 2 * l])
            }
            return total
        }
        let cache = run()
        let dOutputs = workspace.uninitialized(rows: rows, columns: H)
        dOutputs.copy(from: directions[0])
        let dInputs = lstm.backward(packing: packing, cache: cache, dOutputs: dOutputs,
                                    dFinalHidden: [directions[1], directions[3]], dFinalCells: [directions[2], directions[4]],
                                    parameters: store, workspace: workspace)
        let analyticInputs = dInputs.array
        var report = GradientCheck.checkParameters(store, analytic: store, loss: loss)
        report.merge(GradientCheck.check(name: "inputs", values: inputs, analytic: analyticInputs, loss: loss))
        print("LSTM stack (left padding): \(report)")
        #expect(report.worst < Self.tolerance, "\(report)")
        withExtendedLifetime(data) {}
    }

    /// The decoder's use: one layer stepped over a right-padded batch, starting from given (h, c),
    /// with only part of the input precomputed (the embedding; the fed-back state joins per step).
    @Test func lstmLayerStepwiseOverRightPaddedBatch() {
        let E = 3, H = 4, input = E + H
        var layout = ParameterLayout()
        let layer = LSTMLayer(name: "decoder.0", input: input, hidden: H, layout: &layout)
        let store = ParameterStore(layout: layout)
        var random = TestRandom(seed: 3)
        random.fill(store.values.matrix, scale: 0.5)
        let packing = PackedSequences(lengths: [2, 4, 1], steps: 4, padding: .right)
        #expect(packing.counts == [3, 2, 1, 1] && packing.order == [1, 0, 2])
        let rows = packing.rowCount, first = packing.counts[0]
        let data = FloatBuffer(count: 1024)
        let inputs = Matrix(data.pointer, rows: rows, columns: input)
        let initialHidden = Matrix(data.pointer + 128, rows: first, columns: H)
        let initialCells = Matrix(data.pointer + 256, rows: first, columns: H)
        let direction = Matrix(data.pointer + 384, rows: rows, columns: H)
        for m in [inputs, initialHidden, initialCells, direction] { random.fill(m) }
        let workspace = Workspace(blockSize: 1 << 14)
        func run() -> LSTMLayer.Cache {
            workspace.reset()
            let cache = layer.makeCache(rows: rows, workspace: workspace)
            cache.inputs.columns(0..<input).copy(from: inputs)
            cache.inputs.rows(0..<first).columns(input..<(input + H)).copy(from: initialHidden)
            layer.projectInputs(cache, precomputed: E, parameters: store)
            for t in 0..<4 { layer.step(t, packing: packing, precomputed: E, cache: cache, initialCells: initialCells, parameters: store) }
            return cache
        }
        let cache = run()
        let dOutputs = workspace.uninitialized(rows: rows, columns: H)
        dOutputs.copy(from: direction)
        let dCells = workspace.matrix(rows: first, columns: H), dInitialHidden = workspace.matrix(rows: first, columns: H)
        for t in stride(from: 3, through: 0, by: -1) {
            layer.backwardStep(t, packing: packing, cache: cache, initialCells: initialCells, dOutputs: dOutputs,
                               dCells: dCells, dInitialHidden: dInitialHidden, parameters: store)
        }
        layer.accumulateWeightGradients(cache, parameters: store)
        let dInputs = workspace.uninitialized(rows: rows, columns: input)
        layer.inputGradients(dGates: cache.gates, columns: 0..<input, into: dInputs, beta: 0, parameters: store)
        let analytic = (inputs: dInputs.array, hidden: dInitialHidden.array, cells: dCells.array)
        func loss() -> Double { run().outputs.dot(direction) }
        var report = GradientCheck.checkParameters(store, analytic: store, loss: loss)
        report.merge(GradientCheck.check(name: "inputs", values: inputs, analytic: analytic.inputs, loss: loss))
        report.merge(GradientCheck.check(name: "h_-1", values: initialHidden, analytic: analytic.hidden, loss: loss))
        report.merge(GradientCheck.check(name: "c_-1", values: initialCells, analytic: analytic.cells, loss: loss))
        print("LSTM layer (step-wise, right padding): \(report)")
        #expect(report.worst < Self.tolerance, "\(report)")
        withExtendedLifetime(data) {}
    }

    /// Two decoder steps (3 then 2 queries) over three sources, one of them entirely masked.
    @Test(arguments: LuongAttention.Score.allCases)
    func luongAttention(score: LuongAttention.Score) {
        let H = 4, S = 4, batch = 3
        var layout = ParameterLayout()
        let attention = LuongAttention(score: score, hidden: H, layout: &layout)
        let store = ParameterStore(layout: layout)
        var random = TestRandom(seed: 4)
        random.fill(store.values.matrix, scale: 0.7)
        let start: [Int32] = [0, 2, 4]
        let steps = [0..<3, 3..<5]
        let data = FloatBuffer(count: 1024)
        let sourceStates = Matrix(data.pointer, rows: batch * S, columns: H)
        let queries = Matrix(data.pointer + 256, rows: 5, columns: H)
        let direction = Matrix(data.pointer + 512, rows: 5, columns: H)
        for m in [sourceStates, queries, direction] { random.fill(m) }
        for d in 0..<batch { for s in 0..<Int(start[d]) { for j in 0..<H { sourceStates[d * S + s, j] = 0 } } }
        let workspace = Workspace(blockSize: 1 << 14)
        func run() -> LuongAttention.Cache {
            workspace.reset()
            let cache = attention.prepare(sourceStates: sourceStates, sourceLength: S, start: start, rows: 5,
                                          parameters: store, workspace: workspace)
            for rows in steps { attention.forward(rows: rows, query: queries.rows(rows), cache: cache, parameters: store) }
            return cache
        }
        let cache = run()
        for d in 0..<3 {
            let a = cache.alignments.rows(d..<(d + 1)).array
            #expect(a[0..<Int(start[d])].allSatisfy { $0 == 0 })
            #expect(d == 2 ? a.allSatisfy { $0 == 0 } : abs(a.reduce(0, +) - 1) < 1e-6)
        }
        let gradients = attention.makeGradients(cache: cache, workspace: workspace)
        let dQueries = workspace.matrix(rows: 5, columns: H)
        for rows in steps.reversed() {
            attention.backward(rows: rows, query: queries.rows(rows), dAttentionalState: direction.rows(rows),
                               dQuery: dQueries.rows(rows), cache: cache, gradients: gradients, parameters: store)
        }
        let dSourceStates = attention.finishBackward(queries: queries, cache: cache, gradients: gradients, parameters: store)
        let analytic = (queries: dQueries.array, sources: dSourceStates.array)
        func loss() -> Double { run().attentionalStates.dot(direction) }
        var report = GradientCheck.checkParameters(store, analytic: store, loss: loss)
        report.merge(GradientCheck.check(name: "h_t", values: queries, analytic: analytic.queries, loss: loss))
        report.merge(GradientCheck.check(name: "h̄_s", values: sourceStates, analytic: analytic.sources, loss: loss))
        print("Luong attention (\(score)): \(report)")
        #expect(report.worst < Self.tolerance, "\(report)")
        withExtendedLifetime(data) {}
    }

    @Test func softmaxCrossEntropy() {
        let H = 4, V = 7, rows = 6
        var layout = ParameterLayout()
        let loss = SoftmaxCrossEntropy(weight: layout.add("output.weight", rows: V, columns: H),
                                       bias: layout.add("output.bias", rows: 1, columns: V, startsAtZero: true))
        let store = ParameterStore(layout: layout)
        var random = TestRandom(seed: 5)
        random.fill(store.values.matrix, scale: 1)
        let data = FloatBuffer(count: rows * H)
        let states = Matrix(data.pointer, rows: rows, columns: H)
        random.fill(states, scale: 2)
        let labels: [Int32] = [0, 3, 6, 2, 2, 5]
        let weights: [Float] = [1, 0, 1, 0.5, 1, 0]
        let scale: Float = 0.25
        let workspace = Workspace(blockSize: 1 << 12)
        func value() -> Double {
            workspace.reset()
            return labels.withUnsafeBufferPointer { l in weights.withUnsafeBufferPointer { w in
                loss.evaluate(states: states, labels: l.baseAddress!, weights: w.baseAddress!, parameters: store, workspace: workspace)
                    .crossEntropy * Double(scale)
            } }
        }
        // The loss in Double, straight from the definition.
        var expected = 0.0
        let W = store.value(loss.weight), b = store.value(loss.bias)
        for r in 0..<rows where weights[r] != 0 {
            let logits = (0..<V).map { v in Double(b[0, v]) + (0..<H).reduce(0.0) { $0 + Double(states[r, $1]) * Double(W[v, $1]) } }
            let top = logits.max()!
            let logSum = top + log(logits.reduce(0.0) { $0 + exp($1 - top) })
            expected += Double(weights[r]) * (logSum - logits[Int(labels[r])]) * Double(scale)
        }
        let (result, dStates) = labels.withUnsafeBufferPointer { l in weights.withUnsafeBufferPointer { w in
            loss.forwardBackward(states: states, labels: l.baseAddress!, weights: w.baseAddress!, scale: scale,
                                 parameters: store, workspace: workspace)
        } }
        let analyticStates = dStates.array       // before `value()` reuses the workspace
        #expect(dStates.rows(1..<2).array.allSatisfy { $0 == 0 } && dStates.rows(5..<6).array.allSatisfy { $0 == 0 })
        #expect(abs(result - expected) < 1e-5 * abs(expected), "loss \(result), expected \(expected)")
        #expect(abs(value() - expected) < 1e-5 * abs(expected))
        var report = GradientCheck.checkParameters(store, analytic: store, loss: value)
        report.merge(GradientCheck.check(name: "states", values: states, analytic: analyticStates, loss: value))
        print("Softmax cross-entropy: \(report)")
        #expect(report.worst < Self.tolerance, "\(report)")
        withExtendedLifetime(data) {}
    }
}
