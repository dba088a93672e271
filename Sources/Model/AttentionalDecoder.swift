import Tensor

/// The decoder of Luong et al. 2015, one time step over N rows: the L-layer LSTM stack reads
/// x_t = [E(y_{t-1}); h̃_{t-1}] (input feeding, §3.3; without it, E(y_{t-1}) alone), the top
/// layer's h_t attends over its sentence's source states (`LuongAttention`, eq. 5–8), and the step
/// ends with the attentional state h̃_t = tanh(W_c[c_t; h_t]).
///
/// Training and decoding run this one step. Training unrolls it over the target positions of a
/// packed batch (`Seq2Seq.forward`): the step's `Cache` is then a block of the batch's packed
/// storage, kept for `backward`. Greedy and beam search call the same `forward` on their rows
/// (`Seq2Seq.Inference`), reusing one `Cache` every step, and `carry` picks the rows that go on.
public struct AttentionalDecoder: Sendable {
    public let embedding: Embedding         // target embeddings
    public let layers: [LSTMLayer]
    public let attention: LuongAttention
    public let inputFeeding: Bool
    /// Layers 2… hand up h_t + x_t (tensorflow/nmt's num_residual_layers = L − 2).
    public let residual: Bool

    /// Adds `decoder.<l>.weight`, `.bias` per layer, then the attention's parameters.
    public init(embedding: Embedding, hidden: Int, layers count: Int, score: LuongAttention.Score, inputFeeding: Bool,
                residual: Bool = false, layout: inout ParameterLayout) {
        let E = embedding.table.columns
        self.embedding = embedding
        layers = (0..<count).map { l in
            LSTMLayer(name: "decoder.\(l)", input: l == 0 ? E + (inputFeeding ? hidden : 0) : hidden, hidden: hidden, layout: &layout)
        }
        attention = LuongAttention(score: score, hidden: hidden, layout: &layout)
        self.inputFeeding = inputFeeding
        self.residual = residual
    }

    /// Whether layer l hands up h_t + x_t (its recurrence and carried state stay h_t).
    public func isResidual(_ l: Int) -> Bool { residual && l >= 2 }

    public var hidden: Int { attention.hidden }
    /// E: columns of the embedding at the start of layer 0's input.
    public var embeddingSize: Int { embedding.table.columns }

    /// Where a step works: storage for its rows, and which rows are the step's. Made once per
    /// batch (training: the packed batch's storage) or once for all (decoding); moving to another
    /// step changes only the ranges, so a step allocates nothing.
    public struct Cache {
        /// Per layer: [x_t, h_{t-1}], z, c_t, tanh c_t, h_t.
        public var layers: [LSTMLayer.Cache]
        /// Per layer, the storage of c_{t-1} (nil: zero).
        public var previousCells: [Matrix?]
        /// Inverted-dropout masks on the inputs of layers 1… (nil: none).
        public var masks: [Matrix?]
        /// Attention's cache: the batch's source states and keys, and storage for a_t, [c_t; h_t], h̃_t.
        public var attention: LuongAttention.Cache
        /// The step's rows in the storage above.
        public var rows: Range<Int>
        /// The rows of `previousCells` that hold c_{t-1} of the step's first rows; the step's
        /// remaining rows start from zero states.
        public var previousRows: Range<Int>

        public init(layers: [LSTMLayer.Cache], previousCells: [Matrix?], masks: [Matrix?], attention: LuongAttention.Cache,
                    rows: Range<Int>, previousRows: Range<Int>) {
            self.layers = layers
            self.previousCells = previousCells
            self.masks = masks
            self.attention = attention
            self.rows = rows
            self.previousRows = previousRows
        }

        /// The same storage at other rows.
        public func at(_ rows: Range<Int>, previous: Range<Int>) -> Cache {
            var step = self
            step.rows = rows
            step.previousRows = previous
            return step
        }

        public var rowCount: Int { rows.count }
        /// Layer l's views of the step's rows.
        public func layer(_ l: Int) -> LSTMLayer.Cache { layers[l].rows(rows) }
        /// c_{t-1} of layer l (nil: zero).
        public func previous(_ l: Int) -> Matrix? { previousCells[l]?.rows(previousRows) }
        /// What the top layer hands up [N, H]: h_t, or h_t + x_t when residual.
        public var query: Matrix { layer(layers.count - 1).stackOutputs }
        /// h̃_t [N, H].
        public var attentionalStates: Matrix { attention.attentionalStates.rows(rows) }
        /// a_t [N, S].
        public var alignments: Matrix { attention.alignments.rows(rows) }
    }

    /// Storage for `rows` rows with c_{t-1} of their own (decoding: `carry` copies the cells of
    /// the rows that go on into it) and no dropout; attention's part comes per batch from
    /// `LuongAttention.prepare`. Training lays its packed batch out itself (`Seq2Seq.forward`).
    public func makeCache(rows: Int, workspace: Workspace) -> Cache {
        let H = hidden
        return Cache(layers: layers.enumerated().map { $1.makeCache(rows: rows, workspace: workspace, residual: isResidual($0)) },
                     previousCells: layers.map { _ in workspace.matrix(rows: rows, columns: H) },
                     masks: [Matrix?](repeating: nil, count: layers.count), attention: .none(hidden: H, workspace: workspace),
                     rows: 0..<rows, previousRows: 0..<rows)
    }

    /// The floats `makeCache(rows:workspace:)` takes.
    public func cacheFloats(rows: Int) -> Int {
        let H = hidden
        return layers.indices.reduce(0) { total, l in
            total + [layers[l].inputSize + H, 4 * H, H, H, H, H, isResidual(l) ? H : 0].reduce(0) { $0 + ((rows * $1 + 15) & ~15) }
        }
    }

    /// One step on the rows of `step`: the layers bottom-up, then attention.
    /// - Parameters:
    ///   - sentences: the sentence of each row (its block of source states).
    ///   - embeddingPreloaded: layer 0's z already holds b + E(y_{t-1})·W_0[0..<E] (training projects
    ///     every step's embeddings in one product; decoding looks them up in a table); otherwise
    ///     layer 0's input holds E(y_{t-1}) and the whole product is taken here.
    /// On entry each layer's input holds h_{t-1} (and layer 0's h̃_{t-1}), from `carry` or the
    /// encoder's final states. Dropout applies where `step.masks` has masks. With `int8`, the
    /// layers' and attention's products are int8 (decoding at `--precision int8`).
    public func forward(_ step: Cache, sentences: DecoderRows, embeddingPreloaded: Bool, parameters: ParameterStore,
                        int8: Int8Decoder.Products? = nil) {
        guard step.rowCount > 0 else { return }
        let H = hidden
        for (l, layer) in layers.enumerated() {
            let rows = step.layer(l)
            if l > 0 {
                let below = step.layer(l - 1).stackOutputs, destination = rows.inputs.columns(0..<H)
                if let mask = step.masks[l] {
                    Dropout.apply(mask.rows(step.rows), to: below, into: destination)
                } else {
                    destination.copy(from: below)
                }
            }
            layer.forward(rows, previousCells: step.previous(l), preloaded: l == 0 && embeddingPreloaded ? embeddingSize : nil,
                          parameters: parameters, int8: int8?.layer(l))
            if let sum = rows.residual {
                sum.copy(from: rows.outputs)
                sum.add(step.layer(l - 1).stackOutputs)
            }
        }
        attention.forward(rows: step.rows, query: step.query, cache: step.attention, sentences: sentences, parameters: parameters,
                          int8: int8)
    }

    /// Makes the rows of `next` continue rows of `step`: h_t becomes each layer's h_{t-1}, h̃_t the
    /// fed input, and c_t the next c_{t-1} (unless `next` reads `step`'s cells in place, as
    /// training's packed blocks do).
    /// - Parameter origins: the row of `step` each row of `next` continues (nil: row i continues row i).
    /// - Complexity: O(rows · L · H) copies.
    public func carry(from step: Cache, to next: Cache, origins: UnsafeBufferPointer<Int32>?) {
        let E = embeddingSize, H = hidden, count = next.rowCount
        precondition(origins.map { $0.count == count } ?? (count <= step.rowCount), "\(count) rows continue \(step.rowCount)")
        func copy(_ source: Matrix, _ destination: Matrix) {
            guard let origins else { return destination.copy(from: source.rows(0..<count)) }
            for (r, o) in origins.enumerated() {
                precondition(o >= 0 && Int(o) < source.rows, "row \(o) of \(source.rows)")
                destination.row(r).update(from: source.row(Int(o)), count: source.columns)
            }
        }
        for (l, layer) in layers.enumerated() {
            let from = step.layer(l), to = next.layer(l)
            copy(from.outputs, to.inputs.columns(layer.inputSize..<(layer.inputSize + H)))
            if let cells = next.previousCells[l], cells.base != step.layers[l].cells.base {
                copy(from.cells, cells.rows(next.previousRows.lowerBound..<(next.previousRows.lowerBound + count)))
            }
        }
        if inputFeeding { copy(step.attentionalStates, next.layer(0).inputs.columns(E..<(E + H))) }
    }

    /// Backward of one step (steps run from last to first); the weight gradients of the layers
    /// and of W_c, W_a come after the sweep (`LSTMLayer.accumulateWeightGradients`,
    /// `LuongAttention.finishBackward`).
    /// - Parameters (storage like `step`'s, the step's rows at `step.rows`):
    ///   - dAttentional: dL/dh̃, the step's rows complete.
    ///   - dOutputs: per layer dL/dh: the step's rows complete from the next step on entry; they
    ///     receive what comes down from attention and the layer above.
    ///   - dCells: per layer dL/dc [≥ N, H], carried back across steps (`LSTMLayer.backward`).
    ///   - dPreviousHidden: per layer, where dL/dh_{t-1} is added, at `step.previousRows` (nil: the
    ///     previous states are constants).
    ///   - dPreviousAttentional: where dL/dh̃_{t-1} is added through input feeding, at
    ///     `step.previousRows` (nil: none).
    ///   - dropoutScratch: [≥ N, H] when there are masks or residual layers.
    /// A residual layer j hands up h_j + h_{j-1} + … + h_1 (layer 1 is never residual), so what
    /// comes down into its output is added to dL/dh of each of layers 1…j.
    public func backward(_ step: Cache, sentences: DecoderRows, dAttentional: Matrix, dOutputs: [Matrix], dCells: [Matrix],
                         dPreviousHidden: [Matrix]?, dPreviousAttentional: Matrix?, dropoutScratch: Matrix,
                         gradients: LuongAttention.Gradients, parameters: ParameterStore) {
        let count = step.rowCount
        guard count > 0 else { return }
        let E = embeddingSize, H = hidden, L = layers.count, rows = step.rows
        let dQuery = isResidual(L - 1) ? dropoutScratch.rows(0..<count) : dOutputs[L - 1].rows(rows)
        if isResidual(L - 1) { dQuery.fill(0) }
        attention.backward(rows: rows, query: step.query, dAttentionalState: dAttentional.rows(rows),
                           dQuery: dQuery, cache: step.attention, sentences: sentences,
                           gradients: gradients, parameters: parameters)
        if isResidual(L - 1) { for k in 1...(L - 1) { dOutputs[k].rows(rows).add(dQuery) } }
        for l in stride(from: L - 1, through: 0, by: -1) {
            let layer = layers[l], views = step.layer(l)
            layer.backward(views, previousCells: step.previous(l), dOutputs: dOutputs[l].rows(rows), dCells: dCells[l],
                           dPreviousHidden: dPreviousHidden?[l].rows(step.previousRows), parameters: parameters)
            if l > 0, isResidual(l - 1) {
                let scratch = dropoutScratch.rows(0..<count)
                layer.inputGradients(dGates: views.gates, columns: 0..<H, into: scratch, beta: 0, parameters: parameters)
                if let mask = step.masks[l] { Dropout.apply(mask.rows(rows), to: scratch, into: scratch) }
                for k in 1...(l - 1) { dOutputs[k].rows(rows).add(scratch) }
            } else if l > 0 {
                if let mask = step.masks[l] {
                    let scratch = dropoutScratch.rows(0..<count)
                    layer.inputGradients(dGates: views.gates, columns: 0..<H, into: scratch, beta: 0, parameters: parameters)
                    Dropout.apply(mask.rows(rows), to: scratch, into: dOutputs[l - 1].rows(rows), accumulate: true)
                } else {
                    layer.inputGradients(dGates: views.gates, columns: 0..<H, into: dOutputs[l - 1].rows(rows), beta: 1,
                                         parameters: parameters)
                }
            } else if inputFeeding, let dPreviousAttentional {
                let previous = step.previousRows.lowerBound
                layer.inputGradients(dGates: views.gates, columns: E..<(E + H),
                                     into: dPreviousAttentional.rows(previous..<(previous + count)), beta: 1, parameters: parameters)
            }
        }
    }
}
