import Testing
import Tensor
@testable import Model

@Suite struct LSTMStepTests {
    /// `forward` on plain matrices, one call per time step (as decoding calls it, nothing preloaded),
    /// gives the packed run's outputs.
    @Test func stepwiseDecodingMatchesThePackedRun() {
        let input = 5, H = 4
        var layout = ParameterLayout()
        let layer = LSTMLayer(name: "decoder.0", input: input, hidden: H, layout: &layout)
        let store = ParameterStore(layout: layout)
        var random = TestRandom(seed: 9)
        random.fill(store.values.matrix, scale: 0.5)
        let packing = PackedSequences(lengths: [3, 1, 2], steps: 3, padding: .right)
        let workspace = Workspace(blockSize: 1 << 12)
        let packed = layer.makeCache(rows: packing.rowCount, workspace: workspace)
        random.fill(packed.inputs.columns(0..<input))
        let initialHidden = workspace.uninitialized(rows: 3, columns: H), initialCells = workspace.uninitialized(rows: 3, columns: H)
        random.fill(initialHidden)
        random.fill(initialCells)
        packed.inputs.rows(0..<3).columns(input..<(input + H)).copy(from: initialHidden)
        layer.projectInputs(packed, precomputed: 0, parameters: store)
        for t in 0..<3 { layer.step(t, packing: packing, precomputed: 0, cache: packed, initialCells: initialCells, parameters: store) }

        var hidden = initialHidden, cells = initialCells
        for t in 0..<3 {
            let rows = packing.counts[t]
            let state = layer.makeCache(rows: rows, workspace: workspace)
            state.inputs.columns(0..<input).copy(from: packing.block(t, of: packed.inputs).columns(0..<input))
            state.inputs.columns(input..<(input + H)).copy(from: hidden.rows(0..<rows))
            layer.forward(state, previousCells: cells.rows(0..<rows), preloaded: nil, parameters: store)
            #expect(state.outputs.array == packing.block(t, of: packed.outputs).array)
            #expect(state.cells.array == packing.block(t, of: packed.cells).array)
            (hidden, cells) = (state.outputs, state.cells)
        }
    }
}
