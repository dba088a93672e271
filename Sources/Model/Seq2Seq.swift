import Data
import IO
import Tensor

/// The attentional encoder–decoder of Luong et al. 2015, as the TF peer builds it: embeddings →
/// L-layer LSTM encoder over the reversed, left-padded source → L-layer LSTM decoder started from
/// the encoder's final states, with input feeding (§3.3) → Luong attention → attentional states
/// h̃_t. The output projection and the loss are a `TokenLoss` (Loss module) applied to h̃.
///
/// Internally both sides run over `PackedSequences`: the encoder's rows sorted by source length,
/// the decoder's by target length (up to the last nonzero target weight), so no padding position
/// is ever computed. The results equal the peer's masked computation over the padded batch.
public struct Seq2Seq: Sendable {
    public let configuration: Seq2SeqConfiguration
    public let sourceEmbedding: Embedding
    public let targetEmbedding: Embedding
    public let encoder: LSTM
    public let decoder: [LSTMLayer]
    public let attention: LuongAttention
    public let outputWeight: ParameterView        // [Vt, H]
    public let outputBias: ParameterView          // [1, Vt]

    /// Adds every parameter to `layout`, in the order of the spec (the NumPy fixtures rely on it).
    public init(configuration: Seq2SeqConfiguration, layout: inout ParameterLayout) {
        let E = configuration.embedding, H = configuration.hidden
        self.configuration = configuration
        sourceEmbedding = Embedding(table: layout.add("source.embedding", rows: configuration.sourceVocabularySize, columns: E))
        targetEmbedding = Embedding(table: layout.add("target.embedding", rows: configuration.targetVocabularySize, columns: E))
        encoder = LSTM(name: "encoder", input: E, hidden: H, layers: configuration.layers, layout: &layout)
        var decoder = [LSTMLayer]()
        for l in 0..<configuration.layers {
            let input = l == 0 ? E + (configuration.inputFeeding ? H : 0) : H
            decoder.append(LSTMLayer(name: "decoder.\(l)", input: input, hidden: H, layout: &layout))
        }
        self.decoder = decoder
        attention = LuongAttention(score: configuration.score, hidden: H, layout: &layout)
        outputWeight = layout.add("output.weight", rows: configuration.targetVocabularySize, columns: H)
        outputBias = layout.add("output.bias", rows: 1, columns: configuration.targetVocabularySize, startsAtZero: true)
    }

    /// What `backward` needs: views into the step's workspace and the batch's packing.
    public struct Cache {
        public let batchSize: Int
        public let targetLength: Int
        /// h̃ [B·T, H]: row b·T + t is sentence b at step t; zero at padding positions.
        public var attentionalStates: Matrix
        public let encoderPacking: PackedSequences
        public let decoderPacking: PackedSequences
        var sourceIds: [Int32]                    // packed like the encoder
        var decoderInputIds: [Int32]              // packed like the decoder
        var encoder: LSTM.Cache
        var decoder: [LSTMLayer.Cache]
        var decoderMasks: [Matrix?]               // dropout on the inputs of decoder layers 1…
        var initialCells: [Matrix]                // c_{-1} per decoder layer [counts[0], H], decoder order
        var attention: LuongAttention.Cache
    }

    /// Runs the model over `batch`.
    /// - Parameters: training: applies dropout (seeded by `dropoutSeed`, one stream per step).
    public func forward(_ batch: Batch, parameters: ParameterStore, workspace: Workspace, training: Bool = false,
                        dropoutSeed: UInt64 = 0) -> Cache {
        let E = configuration.embedding, H = configuration.hidden, L = configuration.layers
        let B = batch.size, S = batch.sourceLength, T = batch.targetLength
        precondition(S > 0 && T > 0, "a batch needs source and target positions")
        let sourceLengths = PackedSequences.leftPaddedLengths(batch.source, rows: B, columns: S)
        let encoderPacking = PackedSequences(lengths: sourceLengths, steps: S, padding: .left)
        let decoderPacking = PackedSequences(lengths: PackedSequences.weightedLengths(batch.targetWeights, rows: B, columns: T),
                                             steps: T, padding: .right)
        let dropout: Float = training ? configuration.dropout : 0
        var random = SplitMix64(seed: dropoutSeed)

        // 1. Encoder over the packed source.
        let sourceIds = encoderPacking.pack(batch.source)
        var encoderCache = encoder.makeCache(rows: encoderPacking.rowCount, workspace: workspace)
        sourceIds.withUnsafeBufferPointer {
            sourceEmbedding.forward(ids: $0, into: encoderCache.layers[0].inputs.columns(0..<E), parameters: parameters)
        }
        encoder.forward(packing: encoderPacking, cache: &encoderCache, dropout: dropout, random: &random,
                        parameters: parameters, workspace: workspace)

        // 2. The top layer's states h̄_s, batch-major in the decoder's order, zero at padding.
        let sourceStates = workspace.matrix(rows: B * S, columns: H)
        var start = [Int32](repeating: Int32(S), count: B)
        for d in 0..<B {
            let b = decoderPacking.order[d]
            start[d] = Int32(S - sourceLengths[b])
            for s in (S - sourceLengths[b])..<S {
                sourceStates.row(d * S + s).update(from: encoderCache.outputs.row(encoderPacking.row(batch: b, step: s)!), count: H)
            }
        }
        let attentionCache = attention.prepare(sourceStates: sourceStates, sourceLength: S, start: start,
                                               rows: decoderPacking.rowCount, parameters: parameters, workspace: workspace)

        // 3. Decoder: initial states from the encoder's final ones, inputs [E(y_{t-1}), h̃_{t-1}].
        let decoderInputIds = decoderPacking.pack(batch.decoderInput)
        let decoderCaches = decoder.map { $0.makeCache(rows: decoderPacking.rowCount, workspace: workspace) }
        decoderInputIds.withUnsafeBufferPointer {
            targetEmbedding.forward(ids: $0, into: decoderCaches[0].inputs.columns(0..<E), parameters: parameters)
        }
        let first = decoderPacking.counts[0]
        var initialCells = [Matrix]()
        for (l, layer) in decoder.enumerated() {
            let cells = workspace.matrix(rows: first, columns: H)
            let hiddenColumns = decoderCaches[l].inputs.columns(layer.inputSize..<(layer.inputSize + H))
            for d in 0..<first {
                guard let row = encoderPacking.row(batch: decoderPacking.order[d], step: S - 1) else { continue }
                hiddenColumns.row(d).update(from: encoderCache.layers[l].outputs.row(row), count: H)
                cells.row(d).update(from: encoderCache.layers[l].cells.row(row), count: H)
            }
            initialCells.append(cells)
            layer.projectInputs(decoderCaches[l], precomputed: l == 0 ? E : 0, parameters: parameters)
        }
        var masks = [Matrix?](repeating: nil, count: L)
        if dropout > 0 {
            for l in 1..<L {
                masks[l] = Dropout.mask(rows: decoderPacking.rowCount, columns: H, probability: dropout, random: &random,
                                        workspace: workspace)
            }
        }
        let top = decoderCaches[L - 1]
        for t in 0..<T {
            let rows = decoderPacking.offsets[t]..<decoderPacking.offsets[t + 1]
            if rows.isEmpty { break }
            for (l, layer) in decoder.enumerated() {
                if l > 0 {
                    let below = decoderCaches[l - 1].outputs.rows(rows), destination = decoderCaches[l].inputs.rows(rows).columns(0..<H)
                    if let mask = masks[l] { Dropout.apply(mask.rows(rows), to: below, into: destination) } else { destination.copy(from: below) }
                }
                layer.step(t, packing: decoderPacking, precomputed: l == 0 ? E : 0, cache: decoderCaches[l],
                           initialCells: initialCells[l], parameters: parameters)
            }
            attention.forward(rows: rows, query: top.outputs.rows(rows), cache: attentionCache, parameters: parameters)
            if configuration.inputFeeding && t + 1 < T {
                let next = decoderPacking.offsets[t + 1]..<(decoderPacking.offsets[t + 1] + decoderPacking.counts[t + 1])
                decoderCaches[0].inputs.rows(next).columns(E..<(E + H))
                    .copy(from: attentionCache.attentionalStates.rows(rows.lowerBound..<(rows.lowerBound + next.count)))
            }
        }

        // 4. h̃ back into the batch's [B·T, H] order.
        let attentionalStates = workspace.matrix(rows: B * T, columns: H)
        for t in 0..<T {
            for d in 0..<decoderPacking.counts[t] {
                attentionalStates.row(decoderPacking.order[d] * T + t)
                    .update(from: attentionCache.attentionalStates.row(decoderPacking.offsets[t] + d), count: H)
            }
        }
        return Cache(batchSize: B, targetLength: T, attentionalStates: attentionalStates, encoderPacking: encoderPacking,
                     decoderPacking: decoderPacking, sourceIds: sourceIds, decoderInputIds: decoderInputIds,
                     encoder: encoderCache, decoder: decoderCaches, decoderMasks: masks, initialCells: initialCells,
                     attention: attentionCache)
    }

    /// Adds the gradients of every parameter except the output projection (the loss adds those).
    /// - Parameter dAttentionalStates: dL/dh̃ [B·T, H] in `cache.attentionalStates`' order (padding
    ///   rows are ignored: their h̃ is not computed).
    public func backward(_ cache: Cache, dAttentionalStates: Matrix, parameters: ParameterStore, workspace: Workspace) {
        let E = configuration.embedding, H = configuration.hidden, L = configuration.layers
        let packing = cache.decoderPacking, T = cache.targetLength, B = cache.batchSize
        precondition(dAttentionalStates.rows == B * T && dAttentionalStates.columns == H, "dAttentionalStates shape")
        let rowCount = packing.rowCount, first = packing.counts[0]

        // dL/dh̃ in packed order; input feeding adds into it during the sweep.
        let dAttentional = workspace.uninitialized(rows: rowCount, columns: H)
        for t in 0..<T {
            for d in 0..<packing.counts[t] {
                dAttentional.row(packing.offsets[t] + d).update(from: dAttentionalStates.row(packing.order[d] * T + t), count: H)
            }
        }
        let attentionGradients = attention.makeGradients(cache: cache.attention, workspace: workspace)
        let dOutputs = decoder.map { _ in workspace.matrix(rows: rowCount, columns: H) }
        let dCells = decoder.map { _ in workspace.matrix(rows: max(first, 1), columns: H) }
        let dInitialHidden = decoder.map { _ in workspace.matrix(rows: first, columns: H) }
        let dropoutScratch = workspace.uninitialized(rows: cache.decoderMasks.contains { $0 != nil } ? first : 0, columns: H)
        let top = cache.decoder[L - 1]

        // 1. The sweep, last step first: attention, then the layers top-down.
        for t in stride(from: T - 1, through: 0, by: -1) {
            let rows = packing.offsets[t]..<packing.offsets[t + 1]
            if rows.isEmpty { continue }
            attention.backward(rows: rows, query: top.outputs.rows(rows), dAttentionalState: dAttentional.rows(rows),
                               dQuery: dOutputs[L - 1].rows(rows), cache: cache.attention, gradients: attentionGradients,
                               parameters: parameters)
            for l in stride(from: L - 1, through: 0, by: -1) {
                let layer = decoder[l], layerCache = cache.decoder[l]
                layer.backwardStep(t, packing: packing, cache: layerCache, initialCells: cache.initialCells[l],
                                   dOutputs: dOutputs[l], dCells: dCells[l], dInitialHidden: dInitialHidden[l],
                                   parameters: parameters)
                let dGates = layerCache.gates.rows(rows)
                if l > 0 {
                    if let mask = cache.decoderMasks[l] {
                        let scratch = dropoutScratch.rows(0..<rows.count)
                        layer.inputGradients(dGates: dGates, columns: 0..<H, into: scratch, beta: 0, parameters: parameters)
                        Dropout.apply(mask.rows(rows), to: scratch, into: dOutputs[l - 1].rows(rows), accumulate: true)
                    } else {
                        layer.inputGradients(dGates: dGates, columns: 0..<H, into: dOutputs[l - 1].rows(rows), beta: 1,
                                             parameters: parameters)
                    }
                } else if configuration.inputFeeding && t > 0 {
                    let previous = packing.offsets[t - 1]
                    layer.inputGradients(dGates: dGates, columns: E..<(E + H),
                                         into: dAttentional.rows(previous..<(previous + rows.count)), beta: 1, parameters: parameters)
                }
            }
        }

        // 2. Weight gradients, one GEMM per matrix; the target embeddings.
        for (l, layer) in decoder.enumerated() { layer.accumulateWeightGradients(cache.decoder[l], parameters: parameters) }
        let dEmbedded = workspace.uninitialized(rows: rowCount, columns: E)
        decoder[0].inputGradients(dGates: cache.decoder[0].gates, columns: 0..<E, into: dEmbedded, beta: 0, parameters: parameters)
        cache.decoderInputIds.withUnsafeBufferPointer {
            targetEmbedding.backward(ids: $0, dOutput: dEmbedded, parameters: parameters)
        }
        let dSourceStates = attention.finishBackward(queries: top.outputs, cache: cache.attention,
                                                     gradients: attentionGradients, parameters: parameters)

        // 3. Into the encoder: dL/dh̄ and the final states' gradients, in the encoder's order.
        let encoderPacking = cache.encoderPacking, S = encoderPacking.steps
        let dEncoderOutputs = workspace.matrix(rows: encoderPacking.rowCount, columns: H)
        for d in 0..<B {
            let b = packing.order[d]
            for s in Int(cache.attention.start[d])..<S {
                let target = dEncoderOutputs.row(encoderPacking.row(batch: b, step: s)!), source = dSourceStates.row(d * S + s)
                for j in 0..<H { target[j] += source[j] }
            }
        }
        let finalRows = encoderPacking.counts[S - 1]
        var dFinalHidden = [Matrix?](), dFinalCells = [Matrix?]()
        for l in 0..<L {
            let dHidden = workspace.matrix(rows: finalRows, columns: H), dCell = workspace.matrix(rows: finalRows, columns: H)
            for d in 0..<first {
                let b = packing.order[d]
                guard encoderPacking.row(batch: b, step: S - 1) != nil else { continue }
                dHidden.row(encoderPacking.rank[b]).update(from: dInitialHidden[l].row(d), count: H)
                dCell.row(encoderPacking.rank[b]).update(from: dCells[l].row(d), count: H)
            }
            dFinalHidden.append(dHidden)
            dFinalCells.append(dCell)
        }
        let dSourceEmbedded = encoder.backward(packing: encoderPacking, cache: cache.encoder, dOutputs: dEncoderOutputs,
                                               dFinalHidden: dFinalHidden, dFinalCells: dFinalCells,
                                               parameters: parameters, workspace: workspace)
        cache.sourceIds.withUnsafeBufferPointer {
            sourceEmbedding.backward(ids: $0, dOutput: dSourceEmbedded, parameters: parameters)
        }
    }
}
