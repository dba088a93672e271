import IO
import Tensor

/// The encoder of Luong et al. 2015 as the TF peer builds it: source embeddings, then an L-layer
/// LSTM over the source as `Batch.source` lays it out (reversed when so trained, padded on the
/// left so that the last step reads a real token of every sentence). Training and decoding both
/// run it; what the decoder reads from it is the top layer's states h̄_s and each layer's final
/// (h, c).
///
/// Bidirectional (`EncoderKind.bi`): the first layer is a forward and a backward LSTM of H/2 each,
/// h̄ and layer 0's final state are [fwd; bwd] (the decoder's layer 0 starts from [h_fwd after the
/// last token; h_bwd after the first token], both directions' final states), so everything
/// downstream keeps its shapes.
///
/// Internally the LSTM runs over `PackedSequences` (sentences sorted by length, no padding
/// position computed). Its results come out per sentence in the order the caller asks for: the
/// decoder's (training packs the decoder's rows by target length) or reading order (decoding).
public struct Encoder: Sendable {
    public let embedding: Embedding
    public let lstm: LSTM

    public init(embedding: Embedding, lstm: LSTM) {
        self.embedding = embedding
        self.lstm = lstm
    }

    public var hidden: Int { lstm.hidden }

    /// One batch encoded: the decoder's inputs, and what `backward` needs.
    public struct Cache {
        /// S: source positions of every sentence.
        public let sourceLength: Int
        /// The sentence (batch row) of each block of the results below.
        public let order: [Int]
        /// h̄ [B·S, H]: block i (rows i·S ..< (i + 1)·S) is sentence order[i]'s, zero at padding.
        public let sourceStates: Matrix
        /// The first unpadded position of each block [B].
        public let start: [Int32]
        /// Per layer, h and c after the last step [B, H], row i for block i (zero for an empty source).
        public let finalHidden: [Matrix]
        public let finalCells: [Matrix]
        /// The LSTM's packing: sentences sorted by source length.
        public let packing: PackedSequences
        var sourceIds: [Int32]               // packed like `packing`
        public var lstm: LSTM.Cache
        /// Inverted-dropout masks on the inputs of layers 1… (nil: none), packed.
        public var masks: [Matrix?] { lstm.masks }
    }

    /// Encodes a batch.
    /// - Parameters:
    ///   - source: [B, S] row-major ids, as `Batch.source` (left-padded).
    ///   - order: the sentence of each block of the results (a permutation of 0..<B).
    ///   - dropout: drop probability between layers (0: none); stream: where its masks come from.
    public func forward(source: [Int32], sentences B: Int, sourceLength S: Int, order: [Int], dropout: Float,
                        stream: DropoutStream = DropoutStream(seed: 0), parameters: ParameterStore, workspace: Workspace) -> Cache {
        precondition(order.count == B && source.count == B * S, "encoder: \(source.count) ids, \(order.count) blocks for \(B)×\(S)")
        let H = hidden
        let lengths = PackedSequences.leftPaddedLengths(source, rows: B, columns: S)
        let packing = PackedSequences(lengths: lengths, steps: S, padding: .left)
        let sourceIds = packing.pack(source)
        var lstmCache = lstm.makeCache(rows: packing.rowCount, workspace: workspace)
        sourceIds.withUnsafeBufferPointer {
            embedding.forward(ids: $0, into: lstmCache.layers[0].inputs.columns(0..<embedding.table.columns), parameters: parameters)
        }
        lstm.forward(packing: packing, cache: &lstmCache, dropout: dropout, stream: stream, parameters: parameters,
                     workspace: workspace)

        // The results per sentence, in the caller's order.
        let sourceStates = workspace.matrix(rows: B * S, columns: H)
        var start = [Int32](repeating: Int32(S), count: B)
        for (i, b) in order.enumerated() {
            start[i] = Int32(S - lengths[b])
            for s in (S - lengths[b])..<S {
                sourceStates.row(i * S + s).update(from: lstmCache.outputs.row(packing.row(batch: b, step: s)!), count: H)
            }
        }
        var finalHidden = [Matrix](), finalCells = [Matrix]()
        for (l, layer) in lstmCache.layers.enumerated() {
            let hidden = workspace.matrix(rows: B, columns: H), cells = workspace.matrix(rows: B, columns: H)
            let size = lstm.layers[l].hidden      // H, or H/2 for a bidirectional layer 0
            for (i, b) in order.enumerated() {
                guard S > 0, let row = packing.row(batch: b, step: S - 1) else { continue }
                hidden.row(i).update(from: layer.outputs.row(row), count: size)
                cells.row(i).update(from: layer.cells.row(row), count: size)
                // Bidirectional: the backward direction ends after the sentence's first token.
                if l == 0, let reverse = lstmCache.reverse, let reversed = lstmCache.reversePacking,
                   let first = reversed.row(batch: b, step: lengths[b] - 1) {
                    (hidden.row(i) + size).update(from: reverse.outputs.row(first), count: size)
                    (cells.row(i) + size).update(from: reverse.cells.row(first), count: size)
                }
            }
            finalHidden.append(hidden)
            finalCells.append(cells)
        }
        return Cache(sourceLength: S, order: order, sourceStates: sourceStates, start: start, finalHidden: finalHidden,
                     finalCells: finalCells, packing: packing, sourceIds: sourceIds, lstm: lstmCache)
    }

    /// Adds the gradients of the source embeddings and the LSTM.
    /// - Parameters:
    ///   - dSourceStates: dL/dh̄ [B·S, H] in the cache's block order (padding rows are ignored).
    ///   - dFinalHidden, dFinalCells: per layer, dL/d(h, c) of the final states, row i for block i
    ///     [≤ B rows, H] (blocks past the last row: none).
    public func backward(_ cache: Cache, dSourceStates: Matrix, dFinalHidden: [Matrix], dFinalCells: [Matrix],
                         parameters: ParameterStore, workspace: Workspace) {
        let packing = cache.packing, S = cache.sourceLength, H = hidden
        let dOutputs = workspace.matrix(rows: packing.rowCount, columns: H)
        for (i, b) in cache.order.enumerated() {
            for s in Int(cache.start[i])..<S {
                let target = dOutputs.row(packing.row(batch: b, step: s)!), source = dSourceStates.row(i * S + s)
                for j in 0..<H { target[j] += source[j] }
            }
        }
        // The final states' gradients in the packing's order (its rows of the last step).
        let finalRows = S > 0 ? packing.counts[S - 1] : 0
        var dHidden = [Matrix?](), dCells = [Matrix?]()
        for l in lstm.layers.indices {
            let hidden = workspace.matrix(rows: finalRows, columns: H), cells = workspace.matrix(rows: finalRows, columns: H)
            for i in 0..<dFinalHidden[l].rows {
                let b = cache.order[i]
                guard packing.row(batch: b, step: S - 1) != nil else { continue }
                hidden.row(packing.rank[b]).update(from: dFinalHidden[l].row(i), count: H)
                cells.row(packing.rank[b]).update(from: dFinalCells[l].row(i), count: H)
            }
            dHidden.append(hidden)
            dCells.append(cells)
        }
        let dEmbedded = lstm.backward(packing: packing, cache: cache.lstm, dOutputs: dOutputs, dFinalHidden: dHidden,
                                      dFinalCells: dCells, parameters: parameters, workspace: workspace)
        cache.sourceIds.withUnsafeBufferPointer { embedding.backward(ids: $0, dOutput: dEmbedded, parameters: parameters) }
    }
}
