import Data
import IO
import Tensor

extension Seq2Seq {
    /// The model at inference time, one decoder step at a time over N rows (sentences × beam):
    /// what greedy and beam search drive.
    ///
    /// `start` runs the `Encoder` over a batch of sources once and prepares attention's keys
    /// (never per step); each sentence gets one row, started from the encoder's final states.
    /// `step` runs the `AttentionalDecoder`'s step on every row (the same step training unrolls;
    /// rows of a sentence share its source states, nothing is copied per beam), then the logits
    /// h̃_t·output.weightᵀ in one GEMM. `select` then carries the rows the search keeps (a
    /// beam's parents, or the sentences still going) into the next step, so finished sentences
    /// leave the GEMMs.
    ///
    /// The step's storage is allocated once for `maximumRows` rows, the source side and attention's
    /// rows per batch in a workspace that keeps its blocks: a step allocates nothing. Dropout is off.
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
        private var nextRowSentence: [Int32]

        let encoderWorkspace = Workspace(blockSize: 1 << 20)
        /// The decoder's storage for `maximumRows` rows (attention's part per batch, in the
        /// encoder's workspace) and the logits [N, Vt]: made once.
        private let stepWorkspace: Workspace
        private var decoding: AttentionalDecoder.Cache
        private let logitStorage: Matrix
        /// E(y)·W_0[0..<E] + b_0 for every target word y [Vt, 4H]: the part of decoder layer 0's
        /// product that depends on the previous word alone, looked up instead of multiplied at
        /// every step. Made where it takes at most `embeddingGateLimit` floats (config M's would
        /// take 262 MB: nil).
        let embeddingGates: FloatBuffer?
        public static let embeddingGateLimit = 1 << 24

        /// Whether an `Inference` with this limit looks layer 0's embedding gates up in a table.
        public static func usesEmbeddingGates(_ configuration: Seq2SeqConfiguration, limit: Int) -> Bool {
            configuration.targetVocabularySize * 4 * configuration.hidden <= limit
        }

        /// The decoder's products in int8 from now on (`Int8Decoder`, made for this `Inference`'s
        /// embedding gate limit); nil: fp32 (OpenBLAS).
        public var int8: Int8Decoder? {
            get { int8Products?.weights }
            set {
                guard let newValue else { int8Products = nil; return }
                let E = model.configuration.embedding
                precondition(newValue.layerFrom[0] == (embeddingGates != nil ? E : 0), "int8 weights made for another embedding gate limit")
                guard let scratch = int8Products?.scratch ?? Int8Scratch() else {
                    preconditionFailure("int8 weights without a oneDNN engine")
                }
                int8Products = Int8Decoder.Products(newValue, scratch: scratch)
            }
        }
        private var int8Products: Int8Decoder.Products?

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
            let decoder = model.decoder
            self.model = model
            self.parameters = parameters
            self.maximumRows = maximumRows
            stepWorkspace = Workspace(blockSize: decoder.cacheFloats(rows: N) + ((N * V + 15) & ~15))
            decoding = decoder.makeCache(rows: N, workspace: stepWorkspace)
            logitStorage = stepWorkspace.uninitialized(rows: N, columns: V)
            rowSentence = [Int32](repeating: 0, count: N)
            nextRowSentence = rowSentence
            let E = configuration.embedding, first = decoder.layers[0]
            if Self.usesEmbeddingGates(configuration, limit: embeddingGateLimit) {
                let buffer = FloatBuffer(count: V * 4 * H), table = Matrix(buffer.pointer, rows: V, columns: 4 * H)
                nmt_broadcast_row(Int32(V), Int32(4 * H), parameters.value(first.bias).base, table.base, Int32(table.stride))
                GEMM.multiply(parameters.value(decoder.embedding.table), parameters.value(first.weight).rows(0..<E),
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

            // 1. The encoder, sentence b's results in block b; attention's keys once per batch.
            var padded = [Int32](repeating: Batch.pad, count: B * S)
            for (b, source) in sources.enumerated() {
                Batch.placeSource(source, reverse: reverseSource, into: &padded, row: b, length: S)
            }
            let encoded = model.encoder.forward(source: padded, sentences: B, sourceLength: S, order: Array(0..<B), dropout: 0,
                                                parameters: parameters, workspace: encoderWorkspace)
            decoding.attention = model.decoder.attention.prepare(sourceStates: encoded.sourceStates, sourceLength: S,
                                                                 start: encoded.start, rows: maximumRows, parameters: parameters,
                                                                 workspace: encoderWorkspace)

            // 2. Initial decoder states: h_{-1}, c_{-1} of layer l are encoder layer l's last ones.
            decoding = decoding.at(0..<B, previous: 0..<B)
            for (l, layer) in model.decoder.layers.enumerated() {
                decoding.layer(l).inputs.columns(layer.inputSize..<(layer.inputSize + H)).copy(from: encoded.finalHidden[l])
                decoding.previous(l)!.copy(from: encoded.finalCells[l])
            }
            if configuration.inputFeeding { decoding.layer(0).inputs.columns(E..<(E + H)).fill(0) }
            for b in 0..<B { rowSentence[b] = Int32(b) }
            rowCount = B
        }

        /// One decoder step on every row: y_{t-1} → h̃_t, a_t and the logits.
        /// - Parameter ids: the previous token of each row [rowCount] (`<go>` at the first step).
        /// - Complexity: one GEMM per layer ([N, input + H]·[input + H, 4H]), O(N·S·H) attention,
        ///   [N, 2H]·[2H, H] and the logits [N, H]·[H, Vt].
        public func step(ids: UnsafeBufferPointer<Int32>) {
            let configuration = model.configuration
            let E = configuration.embedding, H = configuration.hidden, N = rowCount
            precondition(ids.count == N, "\(ids.count) ids for \(N) rows")
            guard N > 0 else { return }
            let decoder = model.decoder, step = decoding

            // y_{t-1}: its share of layer 0's product from the table, or its embedding as input.
            if let embeddingGates {
                let V = configuration.targetVocabularySize, z = step.layer(0).gates
                for r in 0..<N {
                    let id = Int(ids[r])
                    precondition(id >= 0 && id < V, "token id \(id) outside the vocabulary of \(V)")
                    z.row(r).update(from: embeddingGates.pointer + id * 4 * H, count: 4 * H)
                }
            } else {
                decoder.embedding.forward(ids: ids, into: step.layer(0).inputs.columns(0..<E), parameters: parameters)
            }
            decoder.forward(step, sentences: .listed(rowSentence), embeddingPreloaded: embeddingGates != nil, parameters: parameters,
                            int8: int8Products)

            // The logits h̃·Wᵀ (the output bias is left to the reader's pass over them).
            if let int8Products {
                int8Products.output.multiply(step.attentionalStates, into: logits)
            } else {
                GEMM.multiply(step.attentionalStates, parameters.value(model.outputWeight), transposeB: true, into: logits)
            }
        }

        /// h̃_t·output.weightᵀ of the last step [rowCount, Vt], WITHOUT the output bias: add
        /// `outputBias` when reading them (one pass over the logits saved).
        public var logits: Matrix { logitStorage.rows(0..<rowCount) }

        /// output.bias [1, Vt].
        public var outputBias: Matrix { parameters.value(model.outputBias) }

        /// a_t of the last step [rowCount, S] over source positions (see `sourceIndex`).
        public var alignments: Matrix { decoding.alignments }

        /// h̃_t of the last step [rowCount, H].
        public var attentionalStates: Matrix { decoding.attentionalStates }

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
            precondition(origins.count <= maximumRows, "\(origins.count) rows for \(maximumRows)")
            let next = decoding.at(0..<origins.count, previous: 0..<origins.count)
            model.decoder.carry(from: decoding, to: next, origins: origins)
            for (r, origin) in origins.enumerated() { nextRowSentence[r] = rowSentence[Int(origin)] }
            swap(&rowSentence, &nextRowSentence)
            decoding = next
            rowCount = origins.count
        }
    }
}
