import IO
import Tensor

extension Seq2Seq {
    /// The model at inference time, one decoder step at a time over N rows (sentences × beam):
    /// what greedy and beam search drive.
    ///
    /// `start` encodes a batch of sources once: the top layer's states h̄_s, the attention keys
    /// (W_a·h̄_s, computed once per batch, never per step) and the decoder's initial states, one
    /// row per sentence. `step` runs the decoder on every row (Luong et al. 2015 with input
    /// feeding): [E(y_{t-1}), h̃_{t-1}, h_{t-1}]·W + b in one GEMM per layer, the cell, attention
    /// over the row's own sentence (rows of a sentence share its source states; nothing is
    /// copied per beam), h̃_t = tanh([c_t; h_t]·W_c), and the logits h̃_t·output.weightᵀ in one
    /// GEMM. `select` then gathers the rows the search keeps (a beam's parents, or the sentences
    /// still going) as the next step's rows, so finished sentences leave the GEMMs.
    ///
    /// Every buffer is allocated once for `maximumRows` rows (the source side per batch, in a
    /// workspace that keeps its blocks): a step allocates nothing. Dropout is off.
    public final class Inference {
        public let model: Seq2Seq
        public let parameters: ParameterStore
        /// The most rows a step may have.
        public let maximumRows: Int

        /// Sentences of the batch being decoded.
        public private(set) var sentenceCount = 0
        /// S: source positions of every sentence (the longest source; shorter ones padded on the left).
        public private(set) var sourceLength = 0
        /// Source tokens of each sentence.
        public private(set) var sourceLengths: [Int] = []
        /// Whether the sources went in reversed (Sutskever et al. 2014), as in training.
        public private(set) var reverseSource = true
        /// Rows of the coming (or just taken) step.
        public private(set) var rowCount = 0
        /// The sentence of each row [rowCount].
        public private(set) var rowSentence: [Int32]

        let encoderWorkspace = Workspace(blockSize: 1 << 20)
        var sourceStates: Matrix          // h̄ [B·S, H], zero at padding, block b for sentence b
        var keys: Matrix                  // dot: h̄; general: h̄·W_a; concat: h̄·W_a[H..<2H] [B·S, H]
        var start: [Int32] = []           // first unpadded source position of each sentence [B]

        let storage: FloatBuffer
        let inputs: [Matrix]              // layer l: [x_t, h_{t-1}] [N, input_l + H]
        let gates: [Matrix]               // [N, 4H]
        let previousCells: [Matrix]       // c_{t-1} [N, H]
        let cells: [Matrix]               // c_t [N, H]
        let outputs: [Matrix]             // h_t [N, H]
        let tanhCells: Matrix             // tanh(c_t) (unused at inference, the kernel writes it) [N, H]
        let contextAndState: Matrix       // [c_t; h_t] [N, 2H]
        let projectedQueries: Matrix      // concat: h_t·W_a[0..<H] [N, H]
        let attentional: Matrix           // h̃_t [N, H]
        let logitStorage: Matrix          // [N, Vt]
        var alignmentStorage: FloatBuffer // a_t [N, S]
        var nextRowSentence: [Int32]
        /// E(y)·W_0[0..<E] + b_0 for every target word y [Vt, 4H]: the part of decoder layer 0's
        /// product that depends on the previous word alone, looked up instead of multiplied at
        /// every step. Made once where it takes at most `embeddingGateLimit` floats (config S and
        /// the shipped recipe: a third of layer 0's product; config M's would take 262 MB: nil).
        let embeddingGates: FloatBuffer?
        public static let embeddingGateLimit = 1 << 24

        /// Reads `parameters` here for the embedding gates: make a new `Inference` after the
        /// parameters change (training's dev translation does, at every evaluation).
        /// - Parameters:
        ///   - maximumRows: the most rows of a step (sentences of a batch × beam size).
        ///   - embeddingGateLimit: the most floats the table of embedding gates may take (0: none).
        public init(model: Seq2Seq, parameters: ParameterStore, maximumRows: Int,
                    embeddingGateLimit: Int = Inference.embeddingGateLimit) {
            precondition(maximumRows > 0, "inference needs at least one row")
            let configuration = model.configuration
            let H = configuration.hidden, V = configuration.targetVocabularySize, N = maximumRows
            self.model = model
            self.parameters = parameters
            self.maximumRows = maximumRows
            let widths = model.decoder.map { [$0.inputSize + H, 4 * H, H, H, H] }.flatMap { $0 } + [H, 2 * H, H, H, V]
            let sizes = widths.map { (N * $0 + 15) & ~15 }
            storage = FloatBuffer(count: sizes.reduce(0, +))
            var offset = 0
            var views = [Matrix]()
            for (width, size) in zip(widths, sizes) {
                views.append(Matrix(storage.pointer + offset, rows: N, columns: width))
                offset += size
            }
            let L = model.decoder.count
            inputs = (0..<L).map { views[5 * $0] }
            gates = (0..<L).map { views[5 * $0 + 1] }
            previousCells = (0..<L).map { views[5 * $0 + 2] }
            cells = (0..<L).map { views[5 * $0 + 3] }
            outputs = (0..<L).map { views[5 * $0 + 4] }
            tanhCells = views[5 * L]
            contextAndState = views[5 * L + 1]
            projectedQueries = views[5 * L + 2]
            attentional = views[5 * L + 3]
            logitStorage = views[5 * L + 4]
            alignmentStorage = FloatBuffer(count: N * 64)
            sourceStates = Matrix(storage.pointer, rows: 0, columns: H)
            keys = sourceStates
            rowSentence = [Int32](repeating: 0, count: N)
            nextRowSentence = rowSentence
            let E = configuration.embedding, first = model.decoder[0]
            if V * 4 * H <= embeddingGateLimit {
                let buffer = FloatBuffer(count: V * 4 * H), table = Matrix(buffer.pointer, rows: V, columns: 4 * H)
                nmt_broadcast_row(Int32(V), Int32(4 * H), parameters.value(first.bias).base, table.base, Int32(table.stride))
                GEMM.multiply(parameters.value(model.targetEmbedding.table), parameters.value(first.weight).rows(0..<E),
                              into: table, beta: 1)
                embeddingGates = buffer
            } else {
                embeddingGates = nil
            }
        }

        /// Encodes a batch and sets one row per sentence (row b = sentence b) to the decoder's
        /// initial state: each layer's (h, c) from the encoder's last step, h̃_{-1} = 0.
        /// - Parameters:
        ///   - sources: the token ids of each sentence in reading order (no `<eos>`), none empty.
        ///   - reverseSource: feed each source reversed, as training did (`data.reverse_source`).
        /// - Complexity: the encoder's GEMMs over Σ|x| rows, plus one GEMM for the keys.
        public func start(sources: [[Int32]], reverseSource: Bool = true) {
            let configuration = model.configuration
            let E = configuration.embedding, H = configuration.hidden
            let B = sources.count
            precondition(B > 0 && B <= maximumRows, "a batch of \(B) sentences for \(maximumRows) rows")
            precondition(sources.allSatisfy { !$0.isEmpty }, "an empty source reaches the encoder")
            let S = sources.map(\.count).max()!
            encoderWorkspace.reset()
            sentenceCount = B
            sourceLength = S
            sourceLengths = sources.map(\.count)
            self.reverseSource = reverseSource

            // 1. The encoder over the sources, left-padded, packed as in training.
            var padded = [Int32](repeating: 0, count: B * S)
            for (b, source) in sources.enumerated() {
                let n = source.count
                for j in 0..<n { padded[b * S + S - n + j] = reverseSource ? source[n - 1 - j] : source[j] }
            }
            let packing = PackedSequences(lengths: sourceLengths, steps: S, padding: .left)
            var cache = model.encoder.makeCache(rows: packing.rowCount, workspace: encoderWorkspace)
            packing.pack(padded).withUnsafeBufferPointer {
                model.sourceEmbedding.forward(ids: $0, into: cache.layers[0].inputs.columns(0..<E), parameters: parameters)
            }
            var random = SplitMix64(seed: 0)
            model.encoder.forward(packing: packing, cache: &cache, dropout: 0, random: &random, parameters: parameters,
                                  workspace: encoderWorkspace)

            // 2. h̄ batch-major, and the keys once for the whole batch.
            sourceStates = encoderWorkspace.matrix(rows: B * S, columns: H)
            start = sourceLengths.map { Int32(S - $0) }
            for b in 0..<B {
                for s in (S - sourceLengths[b])..<S {
                    sourceStates.row(b * S + s).update(from: cache.outputs.row(packing.row(batch: b, step: s)!), count: H)
                }
            }
            keys = sourceStates
            if let weight = model.attention.weight {
                keys = encoderWorkspace.uninitialized(rows: B * S, columns: H)
                GEMM.multiply(sourceStates, parameters.value(weight).rows((weight.rows - H)..<weight.rows), into: keys)
            }
            if alignmentStorage.count < maximumRows * S { alignmentStorage = FloatBuffer(count: maximumRows * S) }

            // 3. Initial decoder states: h_{-1}, c_{-1} of layer l are encoder layer l's last ones.
            for (l, layer) in model.decoder.enumerated() {
                let hidden = inputs[l].columns(layer.inputSize..<(layer.inputSize + H))
                for b in 0..<B {
                    let row = packing.row(batch: b, step: S - 1)!
                    hidden.row(b).update(from: cache.layers[l].outputs.row(row), count: H)
                    previousCells[l].row(b).update(from: cache.layers[l].cells.row(row), count: H)
                }
            }
            if configuration.inputFeeding { inputs[0].rows(0..<B).columns(E..<(E + H)).fill(0) }
            for b in 0..<B { rowSentence[b] = Int32(b) }
            rowCount = B
        }

        /// One decoder step on every row: y_{t-1} → h̃_t, a_t and the logits.
        /// - Parameter ids: the previous token of each row [rowCount] (`<go>` at the first step).
        /// - Complexity: one GEMM per layer ([N, input + H]·[input + H, 4H]), O(N·S·H) attention,
        ///   [N, 2H]·[2H, H] and the logits [N, H]·[H, Vt].
        public func step(ids: UnsafeBufferPointer<Int32>) {
            let configuration = model.configuration
            let E = configuration.embedding, H = configuration.hidden, N = rowCount, S = sourceLength
            precondition(ids.count == N, "\(ids.count) ids for \(N) rows")
            guard N > 0 else { return }

            // 1. Input feeding: x = [E(y_{t-1}), h̃_{t-1}] (h̃ already in place, from `select`).
            if embeddingGates == nil {
                model.targetEmbedding.forward(ids: ids, into: inputs[0].rows(0..<N).columns(0..<E), parameters: parameters)
            }

            // 2. The LSTM stack: z = [x, h_{t-1}]·W + b in one GEMM, then the cell.
            for (l, layer) in model.decoder.enumerated() {
                let z = gates[l].rows(0..<N)
                let weight = parameters.value(layer.weight)
                if l == 0, let embeddingGates {
                    // z = table[y] + [h̃_{t-1}, h_{t-1}]·W_0[E...]
                    let V = configuration.targetVocabularySize
                    for r in 0..<N {
                        let id = Int(ids[r])
                        precondition(id >= 0 && id < V, "token id \(id) outside the vocabulary of \(V)")
                        z.row(r).update(from: embeddingGates.pointer + id * 4 * H, count: 4 * H)
                    }
                    GEMM.multiply(inputs[0].rows(0..<N).columns(E..<(layer.inputSize + H)), weight.rows(E..<weight.rows),
                                  into: z, beta: 1)
                } else {
                    nmt_broadcast_row(Int32(N), Int32(4 * H), parameters.value(layer.bias).base, z.base, Int32(z.stride))
                    GEMM.multiply(inputs[l].rows(0..<N), weight, into: z, beta: 1)
                }
                nmt_lstm_cell_forward(Int32(N), Int32(H), z.base, Int32(z.stride),
                                      previousCells[l].base, Int32(previousCells[l].stride), Int32(N),
                                      cells[l].base, Int32(cells[l].stride), tanhCells.base, Int32(tanhCells.stride),
                                      outputs[l].base, Int32(outputs[l].stride))
                if l + 1 < model.decoder.count {
                    inputs[l + 1].rows(0..<N).columns(0..<H).copy(from: outputs[l].rows(0..<N))
                }
            }

            // 3. Attention of each row over its sentence's source states (eq. 7, 8), then eq. 5.
            let query = outputs[model.decoder.count - 1].rows(0..<N)
            let combined = contextAndState.rows(0..<N)
            combined.columns(H..<(2 * H)).copy(from: query)
            var scoringQuery = query
            let attention = model.attention
            if attention.score == .concat, let weight = attention.weight {
                scoringQuery = projectedQueries.rows(0..<N)
                GEMM.multiply(query, parameters.value(weight).rows(0..<H), into: scoringQuery)
            }
            let vector = attention.vector.map { UnsafePointer(parameters.value($0).base) }
            let alignments = self.alignments
            start.withUnsafeBufferPointer { start in
                for r in 0..<N {
                    let b = Int(rowSentence[r])
                    nmt_attention_forward(1, Int32(S), Int32(H), attention.score == .concat ? 1 : 0,
                                          scoringQuery.row(r), Int32(scoringQuery.stride),
                                          keys.row(b * S), sourceStates.row(b * S), start.baseAddress! + b, vector,
                                          alignments.row(r), Int32(alignments.stride), combined.row(r), Int32(combined.stride))
                }
            }
            let attentionalStates = attentional.rows(0..<N)
            GEMM.multiply(combined, parameters.value(attention.combine), into: attentionalStates)
            nmt_tanh(Int32(N), Int32(H), attentionalStates.base, Int32(attentionalStates.stride))

            // 4. The logits h̃·Wᵀ (the output bias is left to the reader's pass over them).
            GEMM.multiply(attentionalStates, parameters.value(model.outputWeight), transposeB: true, into: logits)
        }

        /// h̃_t·output.weightᵀ of the last step [rowCount, Vt], WITHOUT the output bias: add
        /// `outputBias` when reading them (one pass over the logits saved).
        public var logits: Matrix { logitStorage.rows(0..<rowCount) }

        /// output.bias [1, Vt].
        public var outputBias: Matrix { parameters.value(model.outputBias) }

        /// a_t of the last step [rowCount, S] over source positions (see `sourceIndex`).
        public var alignments: Matrix {
            Matrix(alignmentStorage.pointer, rows: rowCount, columns: sourceLength)
        }

        /// h̃_t of the last step [rowCount, H].
        public var attentionalStates: Matrix { attentional.rows(0..<rowCount) }

        /// The index in the source as given to `start` (reading order) of source position `s` of
        /// `sentence`, or nil for a padding position.
        public func sourceIndex(position s: Int, sentence: Int) -> Int? {
            let n = sourceLengths[sentence], first = sourceLength - n
            guard s >= first && s < sourceLength else { return nil }
            return reverseSource ? sourceLength - 1 - s : s - first
        }

        /// Makes rows `origins` of the step just taken the rows of the next step (a row may be
        /// taken several times, or not at all): their h, c and h̃ become h_{t-1}, c_{t-1}, h̃_{t-1}.
        /// - Parameter origins: a row of the last step for each new row (at most `maximumRows`).
        /// - Complexity: O(new rows · L · H) copies.
        public func select(origins: UnsafeBufferPointer<Int32>) {
            let configuration = model.configuration
            let E = configuration.embedding, H = configuration.hidden
            precondition(origins.count <= maximumRows, "\(origins.count) rows for \(maximumRows)")
            for (r, origin) in origins.enumerated() {
                let o = Int(origin)
                precondition(o >= 0 && o < rowCount, "row \(o) of \(rowCount)")
                for (l, layer) in model.decoder.enumerated() {
                    (inputs[l].row(r) + layer.inputSize).update(from: outputs[l].row(o), count: H)
                    previousCells[l].row(r).update(from: cells[l].row(o), count: H)
                }
                if configuration.inputFeeding { (inputs[0].row(r) + E).update(from: attentional.row(o), count: H) }
                nextRowSentence[r] = rowSentence[o]
            }
            swap(&rowSentence, &nextRowSentence)
            rowCount = origins.count
        }
    }
}
