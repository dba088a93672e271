import IO
import Tensor

/// One LSTM layer, TF's `BasicLSTMCell` (Zaremba et al. 2014 without peepholes):
/// z = [x_t, h_{t-1}]·W + b split into i, f, g, o; c_t = σ(f + 1)·c_{t-1} + σ(i)·tanh(g);
/// h_t = σ(o)·tanh(c_t). The forget bias 1 is a constant, not a parameter.
///
/// The layer runs over `PackedSequences`: every matrix in its `Cache` is packed time-major, and
/// step t works on the step's block of live rows. The input half of z for all steps is one GEMM
/// (`projectInputs`), each step adds only the rest, and the weight gradient is one GEMM after the
/// backward sweep (`accumulateWeightGradients`).
public struct LSTMLayer: Sendable {
    public let weight: ParameterView     // W [input + hidden, 4·hidden]: rows for x_t, then for h_{t-1}
    public let bias: ParameterView       // b [1, 4·hidden]
    public let hidden: Int

    /// Adds `\(name).weight` and `\(name).bias` to the layout.
    public init(name: String, input: Int, hidden: Int, layout: inout ParameterLayout) {
        weight = layout.add("\(name).weight", rows: input + hidden, columns: 4 * hidden)
        bias = layout.add("\(name).bias", rows: 1, columns: 4 * hidden, startsAtZero: true)
        self.hidden = hidden
    }

    public var inputSize: Int { weight.rows - hidden }

    /// What the layer keeps over one packed batch; rows are packed rows (`PackedSequences`).
    public struct Cache {
        public var inputs: Matrix       // [x_t, h_{t-1}] [rows, input + hidden]
        public var gates: Matrix        // z, then the activations (forward), then dz (backward) [rows, 4·hidden]
        public var cells: Matrix        // c_t [rows, hidden]
        public var tanhCells: Matrix    // tanh(c_t) [rows, hidden]
        public var outputs: Matrix      // h_t [rows, hidden]
    }

    /// A cache for `rows` packed rows; `inputs` starts at zero (h_{t-1} = 0 where nothing is carried).
    public func makeCache(rows: Int, workspace: Workspace) -> Cache {
        Cache(inputs: workspace.matrix(rows: rows, columns: inputSize + hidden),
              gates: workspace.uninitialized(rows: rows, columns: 4 * hidden),
              cells: workspace.uninitialized(rows: rows, columns: hidden),
              tanhCells: workspace.uninitialized(rows: rows, columns: hidden),
              outputs: workspace.uninitialized(rows: rows, columns: hidden))
    }

    /// z = b + inputs[:, 0..<precomputed]·W[0..<precomputed] for every row: the part of every
    /// step's product that does not depend on the previous step, in one GEMM.
    public func projectInputs(_ cache: Cache, precomputed: Int, parameters: ParameterStore) {
        let gates = cache.gates
        nmt_broadcast_row(Int32(gates.rows), Int32(gates.columns), parameters.value(bias).base, gates.base, Int32(gates.stride))
        guard precomputed > 0 else { return }
        GEMM.multiply(cache.inputs.columns(0..<precomputed), parameters.value(weight).rows(0..<precomputed),
                      into: gates, beta: 1)
    }

    /// Step t: z_t += inputs_t[:, precomputed...]·W[precomputed...], then the cell.
    /// - Parameters:
    ///   - precomputed: columns of `inputs` already in z (`projectInputs`); when it is the whole
    ///     input, rows whose h_{t-1} is zero (sentences starting at t) are left out of the GEMM.
    ///   - initialCells: c_{-1} [counts[0] rows or fewer, hidden] for step 0 (nil: zero); h_{-1} goes
    ///     into `inputs` block 0 before the call.
    /// Afterwards h_t is also in the h_{t-1} columns of block t + 1.
    public func step(_ t: Int, packing: PackedSequences, precomputed: Int, cache: Cache, initialCells: Matrix?,
                     parameters: ParameterStore) {
        let rows = packing.counts[t]
        guard rows > 0 else { return }
        let offset = packing.offsets[t]
        let previous: Matrix? = t == 0 ? initialCells : packing.block(t - 1, of: cache.cells)
        let carried = min(rows, previous?.rows ?? 0)        // rows with a nonzero h_{t-1}, c_{t-1}
        let input = inputSize
        let gemmRows = precomputed == input ? carried : rows
        if gemmRows > 0 {
            GEMM.multiply(cache.inputs.rows(offset..<(offset + gemmRows)).columns(precomputed..<(input + hidden)),
                          parameters.value(weight).rows(precomputed..<(input + hidden)),
                          into: cache.gates.rows(offset..<(offset + gemmRows)), beta: 1)
        }
        let gates = cache.gates.row(offset), cells = cache.cells.row(offset)
        let tanhCells = cache.tanhCells.row(offset), outputs = cache.outputs.row(offset)
        nmt_lstm_cell_forward(Int32(rows), Int32(hidden), gates, Int32(cache.gates.stride),
                              previous?.base, Int32(previous?.stride ?? 0), Int32(carried),
                              cells, Int32(cache.cells.stride), tanhCells, Int32(cache.tanhCells.stride),
                              outputs, Int32(cache.outputs.stride))
        if t + 1 < packing.steps {
            let next = min(rows, packing.counts[t + 1])
            let nextOffset = packing.offsets[t + 1]
            cache.inputs.rows(nextOffset..<(nextOffset + next)).columns(input..<(input + hidden))
                .copy(from: cache.outputs.rows(offset..<(offset + next)))
        }
    }

    /// Backward of step t (steps run from last to first).
    /// - Parameters:
    ///   - dOutputs: dL/dh [rows, hidden] packed; block t must be complete on entry (from above and
    ///     from step t + 1); dL/dh_{t-1} is added into block t − 1 (or `dInitialHidden` at t = 0).
    ///   - dCells: [≥ counts[t], hidden] scratch, zero before the sweep (plus dL/dc of the final
    ///     state where it is used); carries dL/dc_t backwards.
    ///   - dInitialHidden: dL/dh_{-1} [initial rows, hidden] (nil when h_{-1} is the constant 0).
    /// Afterwards `cache.gates` block t holds dz_t.
    public func backwardStep(_ t: Int, packing: PackedSequences, cache: Cache, initialCells: Matrix?,
                             dOutputs: Matrix, dCells: Matrix, dInitialHidden: Matrix?, parameters: ParameterStore) {
        let rows = packing.counts[t]
        guard rows > 0 else { return }
        let offset = packing.offsets[t]
        let previous: Matrix? = t == 0 ? initialCells : packing.block(t - 1, of: cache.cells)
        let carried = min(rows, previous?.rows ?? 0)
        nmt_lstm_cell_backward(Int32(rows), Int32(hidden), cache.gates.row(offset), Int32(cache.gates.stride),
                               previous?.base, Int32(previous?.stride ?? 0), Int32(carried),
                               cache.tanhCells.row(offset), Int32(cache.tanhCells.stride),
                               dOutputs.row(offset), Int32(dOutputs.stride), dCells.base, Int32(dCells.stride))
        guard carried > 0 else { return }
        let destination = t == 0 ? dInitialHidden : dOutputs.rows(packing.offsets[t - 1]..<(packing.offsets[t - 1] + carried))
        guard let destination else { return }
        let input = inputSize
        GEMM.multiply(cache.gates.rows(offset..<(offset + carried)), parameters.value(weight).rows(input..<(input + hidden)),
                      transposeB: true, into: destination.rows(0..<carried), beta: 1)
    }

    /// into (+)= dz · W[columns]ᵀ: the gradient of the inputs in `columns` (beta 1 accumulates).
    /// - Parameters: dGates [rows, 4·hidden] (after `backwardStep`); into [rows, columns.count].
    public func inputGradients(dGates: Matrix, columns: Range<Int>, into destination: Matrix, beta: Float,
                               parameters: ParameterStore) {
        GEMM.multiply(dGates, parameters.value(weight).rows(columns), transposeB: true, into: destination, beta: beta)
    }

    /// dW += inputsᵀ·dz and db += Σ_rows dz over every packed row: one GEMM after the sweep.
    public func accumulateWeightGradients(_ cache: Cache, parameters: ParameterStore) {
        guard cache.gates.rows > 0 else { return }
        GEMM.multiply(cache.inputs, transposeA: true, cache.gates, into: parameters.gradient(weight), beta: 1)
        nmt_add_column_sums(Int32(cache.gates.rows), Int32(cache.gates.columns), cache.gates.base,
                            Int32(cache.gates.stride), parameters.gradient(bias).base)
    }
}

/// A stack of LSTM layers over a whole packed sequence (the encoder): layer l + 1 reads layer l's
/// outputs, with inverted dropout between layers when training.
public struct LSTM: Sendable {
    public let layers: [LSTMLayer]

    /// Adds `\(name).\(l).weight` and `.bias` for every layer.
    public init(name: String, input: Int, hidden: Int, layers count: Int, layout: inout ParameterLayout) {
        var layers = [LSTMLayer]()
        for l in 0..<count {
            layers.append(LSTMLayer(name: "\(name).\(l)", input: l == 0 ? input : hidden, hidden: hidden, layout: &layout))
        }
        self.layers = layers
    }

    public struct Cache {
        public var layers: [LSTMLayer.Cache]
        /// Inverted-dropout masks on the inputs of layers 1… (nil: no dropout) [rows, hidden].
        public var masks: [Matrix?]
        /// The top layer's h_t [rows, hidden].
        public var outputs: Matrix { layers[layers.count - 1].outputs }
    }

    /// A cache whose layer 0 `inputs` columns 0..<input the caller fills (embeddings) before `forward`.
    public func makeCache(rows: Int, workspace: Workspace) -> Cache {
        Cache(layers: layers.map { $0.makeCache(rows: rows, workspace: workspace) },
              masks: [Matrix?](repeating: nil, count: layers.count))
    }

    /// Runs every layer over every step; states start at zero.
    /// - Parameters: dropout: drop probability between layers (0: none); random: its stream.
    public func forward(packing: PackedSequences, cache: inout Cache, dropout: Float, random: inout SplitMix64,
                        parameters: ParameterStore, workspace: Workspace) {
        for (l, layer) in layers.enumerated() {
            let layerCache = cache.layers[l]
            if l > 0 {
                let below = cache.layers[l - 1].outputs, destination = layerCache.inputs.columns(0..<layer.hidden)
                if dropout > 0 {
                    let mask = Dropout.mask(rows: below.rows, columns: below.columns, probability: dropout,
                                            random: &random, workspace: workspace)
                    cache.masks[l] = mask
                    Dropout.apply(mask, to: below, into: destination)
                } else {
                    destination.copy(from: below)
                }
            }
            layer.projectInputs(layerCache, precomputed: layer.inputSize, parameters: parameters)
            for t in 0..<packing.steps {
                layer.step(t, packing: packing, precomputed: layer.inputSize, cache: layerCache, initialCells: nil,
                           parameters: parameters)
            }
        }
    }

    /// Backward through every layer; adds parameter gradients.
    /// - Parameters:
    ///   - dOutputs: dL/dh of the top layer [rows, hidden] (consumed: it accumulates the recurrence).
    ///   - dFinalHidden, dFinalCells: per layer, dL/d(h, c) of the state after the last step
    ///     [counts[last], hidden] (nil: none).
    /// - Returns: dL/dx of layer 0 [rows, input] (workspace).
    public func backward(packing: PackedSequences, cache: Cache, dOutputs: Matrix, dFinalHidden: [Matrix?],
                         dFinalCells: [Matrix?], parameters: ParameterStore, workspace: Workspace) -> Matrix {
        let rows = packing.rowCount, last = packing.steps - 1
        var dLayerOutputs = dOutputs
        var dInputs = dOutputs
        for l in layers.indices.reversed() {
            let layer = layers[l], layerCache = cache.layers[l]
            let dCells = workspace.matrix(rows: max(packing.counts.max() ?? 0, 1), columns: layer.hidden)
            if last >= 0 {
                if let dh = dFinalHidden[l] { packing.block(last, of: dLayerOutputs).rows(0..<dh.rows).add(dh) }
                if let dc = dFinalCells[l] { dCells.rows(0..<dc.rows).add(dc) }
            }
            for t in stride(from: last, through: 0, by: -1) {
                layer.backwardStep(t, packing: packing, cache: layerCache, initialCells: nil, dOutputs: dLayerOutputs,
                                   dCells: dCells, dInitialHidden: nil, parameters: parameters)
            }
            layer.accumulateWeightGradients(layerCache, parameters: parameters)
            let input = layer.inputSize
            if l > 0 {
                let dBelow = workspace.matrix(rows: rows, columns: input)
                if let mask = cache.masks[l] {
                    let dMasked = workspace.uninitialized(rows: rows, columns: input)
                    layer.inputGradients(dGates: layerCache.gates, columns: 0..<input, into: dMasked, beta: 0, parameters: parameters)
                    Dropout.apply(mask, to: dMasked, into: dBelow)
                } else {
                    layer.inputGradients(dGates: layerCache.gates, columns: 0..<input, into: dBelow, beta: 0, parameters: parameters)
                }
                dLayerOutputs = dBelow
            } else {
                dInputs = workspace.uninitialized(rows: rows, columns: input)
                layer.inputGradients(dGates: layerCache.gates, columns: 0..<input, into: dInputs, beta: 0, parameters: parameters)
            }
        }
        return dInputs
    }
}
