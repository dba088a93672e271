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
        /// h_t + x_t of a residual layer [rows, hidden] (nil: not residual). The recurrence and the
        /// final state keep h_t; the layer above (or attention) reads this sum.
        public var residual: Matrix? = nil

        /// What the layer hands up: h_t + x_t for a residual layer, h_t otherwise.
        public var stackOutputs: Matrix { residual ?? outputs }

        /// The same views for `range` of the rows.
        public func rows(_ range: Range<Int>) -> Cache {
            Cache(inputs: inputs.rows(range), gates: gates.rows(range), cells: cells.rows(range),
                  tanhCells: tanhCells.rows(range), outputs: outputs.rows(range), residual: residual?.rows(range))
        }
    }

    /// A cache for `rows` packed rows; `inputs` starts at zero (h_{t-1} = 0 where nothing is carried).
    /// - Parameter residual: keep h_t + x_t too (a residual layer).
    public func makeCache(rows: Int, workspace: Workspace, residual: Bool = false) -> Cache {
        Cache(inputs: workspace.matrix(rows: rows, columns: inputSize + hidden),
              gates: workspace.uninitialized(rows: rows, columns: 4 * hidden),
              cells: workspace.uninitialized(rows: rows, columns: hidden),
              tanhCells: workspace.uninitialized(rows: rows, columns: hidden),
              outputs: workspace.uninitialized(rows: rows, columns: hidden),
              residual: residual ? workspace.uninitialized(rows: rows, columns: hidden) : nil)
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

    /// One time step over `rows`, views of the step's rows in any layout (a packed block in
    /// training, decoding's rows): z (+)= [x_t, h_{t-1}]·W + b, then the cell.
    /// - Parameters:
    ///   - preloaded: what z holds already. nil: nothing (b and the whole product are added here);
    ///     p: b + inputs[:, 0..<p]·W[0..<p] (`projectInputs`, or decoding's table of embedding gates).
    ///     When p is the whole input, rows without a previous state (h_{t-1} = 0) skip the product.
    ///   - previousCells: c_{t-1} of the first `previousCells.rows` rows (nil: none); the other rows
    ///     start from c = 0, h = 0.
    ///   - int8: take the product in int8 with these weights (W[p..<input + hidden] quantized,
    ///     `Int8Decoder`) instead of fp32 W (nil: fp32, OpenBLAS).
    public func forward(_ rows: Cache, previousCells: Matrix?, preloaded: Int?, parameters: ParameterStore,
                        int8: Int8Product? = nil) {
        let count = rows.gates.rows
        guard count > 0 else { return }
        let carried = min(count, previousCells?.rows ?? 0)     // rows with a nonzero h_{t-1}, c_{t-1}
        let input = inputSize, from = preloaded ?? 0
        if preloaded == nil {
            nmt_broadcast_row(Int32(count), Int32(4 * hidden), parameters.value(bias).base, rows.gates.base, Int32(rows.gates.stride))
        }
        let gemmRows = from == input ? carried : count
        if gemmRows > 0, let int8 {
            int8.multiply(rows.inputs.rows(0..<gemmRows).columns(from..<(input + hidden)), into: rows.gates.rows(0..<gemmRows), beta: 1)
        } else if gemmRows > 0 {
            GEMM.multiply(rows.inputs.rows(0..<gemmRows).columns(from..<(input + hidden)),
                          parameters.value(weight).rows(from..<(input + hidden)),
                          into: rows.gates.rows(0..<gemmRows), beta: 1)
        }
        nmt_lstm_cell_forward(Int32(count), Int32(hidden), rows.gates.base, Int32(rows.gates.stride),
                              previousCells?.base, Int32(previousCells?.stride ?? 0), Int32(carried),
                              rows.cells.base, Int32(rows.cells.stride), rows.tanhCells.base, Int32(rows.tanhCells.stride),
                              rows.outputs.base, Int32(rows.outputs.stride))
    }

    /// Backward of `forward` over the same rows.
    /// - Parameters:
    ///   - dOutputs: dL/dh_t [rows, hidden], complete on entry.
    ///   - dCells: [≥ rows, hidden]: dL/dc_t in, dL/dc_{t-1} out (zero before the first call).
    ///   - dPreviousHidden: dL/dh_{t-1} of the carried rows is added into it (nil: h_{t-1} is a constant).
    /// Afterwards `rows.gates` holds dz_t.
    public func backward(_ rows: Cache, previousCells: Matrix?, dOutputs: Matrix, dCells: Matrix, dPreviousHidden: Matrix?,
                         parameters: ParameterStore) {
        let count = rows.gates.rows
        guard count > 0 else { return }
        let carried = min(count, previousCells?.rows ?? 0)
        nmt_lstm_cell_backward(Int32(count), Int32(hidden), rows.gates.base, Int32(rows.gates.stride),
                               previousCells?.base, Int32(previousCells?.stride ?? 0), Int32(carried),
                               rows.tanhCells.base, Int32(rows.tanhCells.stride),
                               dOutputs.base, Int32(dOutputs.stride), dCells.base, Int32(dCells.stride))
        guard carried > 0, let dPreviousHidden else { return }
        let input = inputSize
        GEMM.multiply(rows.gates.rows(0..<carried), parameters.value(weight).rows(input..<(input + hidden)),
                      transposeB: true, into: dPreviousHidden.rows(0..<carried), beta: 1)
    }

    /// Step t of a packed sweep (`forward` on block t); afterwards h_t is also in the h_{t-1}
    /// columns of block t + 1.
    /// - Parameters:
    ///   - precomputed: columns of `inputs` already in z (`projectInputs`), as `forward`'s `preloaded`.
    ///   - initialCells: c_{-1} [counts[0] rows or fewer, hidden] for step 0 (nil: zero); h_{-1} goes
    ///     into `inputs` block 0 before the call.
    public func step(_ t: Int, packing: PackedSequences, precomputed: Int, cache: Cache, initialCells: Matrix?,
                     parameters: ParameterStore) {
        let rows = packing.counts[t]
        guard rows > 0 else { return }
        let offset = packing.offsets[t]
        let previous: Matrix? = t == 0 ? initialCells : packing.block(t - 1, of: cache.cells)
        forward(cache.rows(offset..<(offset + rows)), previousCells: previous, preloaded: precomputed, parameters: parameters)
        if t + 1 < packing.steps {
            let next = min(rows, packing.counts[t + 1])
            let nextOffset = packing.offsets[t + 1]
            cache.inputs.rows(nextOffset..<(nextOffset + next)).columns(inputSize..<(inputSize + hidden))
                .copy(from: cache.outputs.rows(offset..<(offset + next)))
        }
    }

    /// Backward of step t of a packed sweep (steps run from last to first).
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
        let dPrevious = t == 0 ? dInitialHidden : dOutputs.rows(packing.offsets[t - 1]..<packing.offsets[t])
        backward(cache.rows(offset..<(offset + rows)), previousCells: previous, dOutputs: dOutputs.rows(offset..<(offset + rows)),
                 dCells: dCells, dPreviousHidden: dPrevious, parameters: parameters)
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
///
/// Bidirectional (tensorflow/nmt's `bi`, first layer only): layer 0 is a forward LSTM of H/2 and
/// `reverse` a backward one of H/2 over the same inputs, run over `PackedSequences.reversed`
/// (each sentence's real tokens, last first); layer 1, or the encoder's output when there is one
/// layer, reads [h_fwd_t; h_bwd_t] [H]. Residual (tensorflow/nmt's num_residual_layers = L − 2):
/// layers 2… hand up h_t + x_t (x_t before dropout), their recurrence keeps h_t.
public struct LSTM: Sendable {
    public let layers: [LSTMLayer]
    /// The backward direction of layer 0 (nil: unidirectional).
    public let reverse: LSTMLayer?
    public let residual: Bool
    /// H: what every layer hands up (layer 0's two directions together when bidirectional).
    public let hidden: Int

    /// Adds `\(name).\(l).weight` and `.bias` for every layer, and `\(name).0.reverse.weight`, `.bias`
    /// right after layer 0 when bidirectional (hidden must then be even).
    public init(name: String, input: Int, hidden: Int, layers count: Int, bidirectional: Bool = false, residual: Bool = false,
                layout: inout ParameterLayout) {
        precondition(!bidirectional || hidden % 2 == 0, "a bidirectional layer needs an even hidden size, not \(hidden)")
        var layers = [LSTMLayer]()
        var reverse: LSTMLayer? = nil
        for l in 0..<count {
            let size = l == 0 && bidirectional ? hidden / 2 : hidden
            layers.append(LSTMLayer(name: "\(name).\(l)", input: l == 0 ? input : hidden, hidden: size, layout: &layout))
            if l == 0 && bidirectional { reverse = LSTMLayer(name: "\(name).0.reverse", input: input, hidden: size, layout: &layout) }
        }
        self.layers = layers
        self.reverse = reverse
        self.residual = residual
        self.hidden = hidden
    }

    /// Whether layer l hands up h_t + x_t.
    public func isResidual(_ l: Int) -> Bool { residual && l >= 2 }

    public struct Cache {
        public var layers: [LSTMLayer.Cache]
        /// Inverted-dropout masks on the inputs of layers 1… (nil: no dropout) [rows, hidden].
        public var masks: [Matrix?]
        /// Bidirectional: the backward direction's storage, packed like `reversePacking`.
        public var reverse: LSTMLayer.Cache?
        public var reversePacking: PackedSequences?
        /// Bidirectional: [h_fwd_t; h_bwd_t] [rows, hidden], packed like the forward direction.
        public var both: Matrix?

        /// What layer l hands up [rows, hidden].
        public func output(_ l: Int) -> Matrix {
            if l == 0, let both { return both }
            return layers[l].stackOutputs
        }
        /// The top layer's output [rows, hidden].
        public var outputs: Matrix { output(layers.count - 1) }
    }

    /// A cache whose layer 0 `inputs` columns 0..<input the caller fills (embeddings) before `forward`.
    public func makeCache(rows: Int, workspace: Workspace) -> Cache {
        Cache(layers: layers.enumerated().map { $1.makeCache(rows: rows, workspace: workspace, residual: isResidual($0)) },
              masks: [Matrix?](repeating: nil, count: layers.count),
              reverse: reverse?.makeCache(rows: rows, workspace: workspace), reversePacking: nil,
              both: reverse == nil ? nil : workspace.uninitialized(rows: rows, columns: hidden))
    }

    /// Runs every layer over every step; states start at zero.
    /// - Parameters: dropout: drop probability between layers (0: none), masks drawn from `stream`
    ///   (site `DropoutStream.encoder(layer:)`).
    public func forward(packing: PackedSequences, cache: inout Cache, dropout: Float, stream: DropoutStream,
                        parameters: ParameterStore, workspace: Workspace) {
        for (l, layer) in layers.enumerated() {
            let layerCache = cache.layers[l]
            if l > 0 {
                let below = cache.output(l - 1), destination = layerCache.inputs.columns(0..<layer.inputSize)
                if dropout > 0 {
                    let mask = stream.mask(site: DropoutStream.encoder(layer: l), packing: packing, columns: below.columns,
                                           probability: dropout, workspace: workspace)
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
            if l == 0, let reverse, let reverseCache = cache.reverse, let both = cache.both {
                let reversed = packing.reversed, input = reverse.inputSize, half = reverse.hidden
                cache.reversePacking = reversed
                packing.reverseSteps(layerCache.inputs.columns(0..<input), into: reverseCache.inputs.columns(0..<input),
                                     reversed: reversed)
                reverse.projectInputs(reverseCache, precomputed: input, parameters: parameters)
                for u in 0..<reversed.steps {
                    reverse.step(u, packing: reversed, precomputed: input, cache: reverseCache, initialCells: nil,
                                 parameters: parameters)
                }
                both.columns(0..<half).copy(from: layerCache.outputs)
                reversed.reverseSteps(reverseCache.outputs, into: both.columns(half..<(2 * half)), reversed: packing)
            }
            if let sum = layerCache.residual {
                sum.copy(from: layerCache.outputs)
                sum.add(cache.output(l - 1))
            }
        }
    }

    /// Backward through every layer; adds parameter gradients.
    /// - Parameters:
    ///   - dOutputs: dL/dh of the top layer [rows, hidden] (consumed: it accumulates the recurrence).
    ///   - dFinalHidden, dFinalCells: per layer, dL/d(h, c) of the state after the last step
    ///     [counts[last], hidden] (nil: none); bidirectional, layer 0's are [fwd; bwd], the backward
    ///     direction's state being the one after each sentence's first token.
    /// - Returns: dL/dx of layer 0 [rows, input] (workspace).
    public func backward(packing: PackedSequences, cache: Cache, dOutputs: Matrix, dFinalHidden: [Matrix?],
                         dFinalCells: [Matrix?], parameters: ParameterStore, workspace: Workspace) -> Matrix {
        let rows = packing.rowCount, last = packing.steps - 1
        var dLayerOutputs = dOutputs
        var dInputs = dOutputs
        for l in layers.indices.reversed() {
            let layer = layers[l], layerCache = cache.layers[l], half = layer.hidden
            // dL/d(h_t + x_t) also reaches x_t, the output of the layer below: kept before the sweep adds into it.
            var dPassed: Matrix? = nil
            if isResidual(l) {
                let copy = workspace.uninitialized(rows: rows, columns: hidden)
                copy.copy(from: dLayerOutputs)
                dPassed = copy
            }
            let dForward = dLayerOutputs.columns(0..<half)
            let dCells = workspace.matrix(rows: max(packing.counts.max() ?? 0, 1), columns: half)
            if last >= 0 {
                if let dh = dFinalHidden[l] { packing.block(last, of: dForward).rows(0..<dh.rows).add(dh.columns(0..<half)) }
                if let dc = dFinalCells[l] { dCells.rows(0..<dc.rows).add(dc.columns(0..<half)) }
            }
            for t in stride(from: last, through: 0, by: -1) {
                layer.backwardStep(t, packing: packing, cache: layerCache, initialCells: nil, dOutputs: dForward,
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
                if let dPassed { dBelow.add(dPassed) }
                dLayerOutputs = dBelow
            } else {
                dInputs = workspace.uninitialized(rows: rows, columns: input)
                layer.inputGradients(dGates: layerCache.gates, columns: 0..<input, into: dInputs, beta: 0, parameters: parameters)
                if let reverse, let reverseCache = cache.reverse, let reversed = cache.reversePacking {
                    reverseBackward(reverse, cache: reverseCache, reversed: reversed, packing: packing,
                                    dBoth: dLayerOutputs.columns(half..<(2 * half)), dFinalHidden: dFinalHidden[0],
                                    dFinalCells: dFinalCells[0], dInputs: dInputs, parameters: parameters, workspace: workspace)
                }
            }
        }
        return dInputs
    }

    /// The backward direction's share of layer 0's backward: its sweep, weight gradients, and its
    /// dL/dx added into `dInputs` (forward packing).
    /// - Parameters:
    ///   - dBoth: dL/dh_bwd [rows, H/2], forward packing (a view of layer 0's columns H/2 ..< H).
    ///   - dFinalHidden, dFinalCells: layer 0's [counts[last], H] (rank order); columns H/2 ..< H
    ///     belong to the state after each sentence's first token, its last backward step.
    private func reverseBackward(_ reverse: LSTMLayer, cache: LSTMLayer.Cache, reversed: PackedSequences, packing: PackedSequences,
                                 dBoth: Matrix, dFinalHidden: Matrix?, dFinalCells: Matrix?, dInputs: Matrix,
                                 parameters: ParameterStore, workspace: Workspace) {
        let rows = packing.rowCount, half = reverse.hidden, input = reverse.inputSize
        let dOutputs = workspace.matrix(rows: rows, columns: half)
        packing.reverseSteps(dBoth, into: dOutputs, reversed: reversed)
        let dCells = workspace.matrix(rows: max(packing.counts.max() ?? 0, 1), columns: half)
        // The final state of the sentence of rank r is its row of backward step length − 1; dCells
        // keeps rank r's value untouched until that step comes (rows past a step's count are not read).
        let columns = half..<(2 * half)
        for r in 0..<max(dFinalHidden?.rows ?? 0, dFinalCells?.rows ?? 0) {
            let n = packing.lengths[packing.order[r]]
            guard n > 0 else { continue }
            let row = reversed.offsets[n - 1] + r
            if let dh = dFinalHidden, r < dh.rows { dOutputs.rows(row..<(row + 1)).add(dh.rows(r..<(r + 1)).columns(columns)) }
            if let dc = dFinalCells, r < dc.rows { dCells.rows(r..<(r + 1)).add(dc.rows(r..<(r + 1)).columns(columns)) }
        }
        for u in stride(from: reversed.steps - 1, through: 0, by: -1) {
            reverse.backwardStep(u, packing: reversed, cache: cache, initialCells: nil, dOutputs: dOutputs,
                                 dCells: dCells, dInitialHidden: nil, parameters: parameters)
        }
        reverse.accumulateWeightGradients(cache, parameters: parameters)
        let dReversed = workspace.uninitialized(rows: rows, columns: input)
        reverse.inputGradients(dGates: cache.gates, columns: 0..<input, into: dReversed, beta: 0, parameters: parameters)
        reversed.reverseSteps(dReversed, into: dInputs, reversed: packing, accumulate: true)
    }
}
