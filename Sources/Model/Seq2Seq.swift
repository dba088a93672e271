import Data
import IO
import Tensor

/// The attentional encoder–decoder of Luong et al. 2015, as the TF peer builds it: an `Encoder`
/// (embeddings, L-layer LSTM over the reversed, left-padded source; optionally bidirectional in its
/// first layer, and residual from layer 2 up in both stacks, `Seq2SeqConfiguration`), then the `AttentionalDecoder`
/// started from the encoder's final states, unrolled over the target positions, giving the
/// attentional states h̃_t. The output projection and the loss are a `TokenLoss` (Loss module)
/// applied to h̃; decoding drives the same step through `Seq2Seq.Inference`.
///
/// Training runs the decoder over `PackedSequences`: rows sorted by target length (up to the last
/// nonzero target weight), so no padding position is ever computed, and the encoder hands over
/// its results in that order. The results equal the peer's masked computation over the padded batch.
public struct Seq2Seq: Sendable {
    public let configuration: Seq2SeqConfiguration
    public let encoder: Encoder
    public let decoder: AttentionalDecoder
    public let outputWeight: ParameterView        // [Vt, H]
    public let outputBias: ParameterView          // [1, Vt]

    /// Adds every parameter to `layout`, in the order of the spec (the NumPy fixtures rely on it):
    /// both embeddings, the encoder, the decoder's layers, attention, the output projection.
    public init(configuration: Seq2SeqConfiguration, layout: inout ParameterLayout) {
        let E = configuration.embedding, H = configuration.hidden
        self.configuration = configuration
        let sourceEmbedding = Embedding(table: layout.add("source.embedding", rows: configuration.sourceVocabularySize, columns: E))
        let targetEmbedding = Embedding(table: layout.add("target.embedding", rows: configuration.targetVocabularySize, columns: E))
        encoder = Encoder(embedding: sourceEmbedding,
                          lstm: LSTM(name: "encoder", input: E, hidden: H, layers: configuration.layers,
                                     bidirectional: configuration.encoder == .bi, residual: configuration.residual, layout: &layout))
        decoder = AttentionalDecoder(embedding: targetEmbedding, hidden: H, layers: configuration.layers, score: configuration.score,
                                     inputFeeding: configuration.inputFeeding, residual: configuration.residual, layout: &layout)
        outputWeight = layout.add("output.weight", rows: configuration.targetVocabularySize, columns: H)
        outputBias = layout.add("output.bias", rows: 1, columns: configuration.targetVocabularySize, startsAtZero: true)
    }

    /// What `backward` needs: views into the step's workspace and the batch's packing.
    public struct Cache {
        public let batchSize: Int
        public let targetLength: Int
        /// h̃ [B·T, H]: row b·T + t is sentence b at step t; zero at padding positions.
        public var attentionalStates: Matrix
        public let decoderPacking: PackedSequences
        public var encoder: Encoder.Cache
        public var encoderPacking: PackedSequences { encoder.packing }
        var decoderInputIds: [Int32]              // packed like the decoder
        /// The decoder's storage over every packed row; step t is rows offsets[t] ..< offsets[t + 1].
        var decoder: AttentionalDecoder.Cache
        /// c_{-1} of each decoder layer [counts[0], H], decoder order.
        var initialCells: [Matrix?]
        var decoderMasks: [Matrix?] { decoder.masks }

        /// The decoder's views of step t (its c_{t-1}: the encoder's at t = 0, step t − 1's after).
        func step(_ t: Int) -> AttentionalDecoder.Cache {
            let packing = decoderPacking, rows = packing.offsets[t]..<packing.offsets[t + 1]
            if t == 0 {
                var step = decoder.at(rows, previous: 0..<packing.counts[0])
                step.previousCells = initialCells
                return step
            }
            return decoder.at(rows, previous: packing.offsets[t - 1]..<packing.offsets[t])
        }
    }

    /// Runs the model over `batch`.
    /// - Parameters: training: applies dropout (a `DropoutStream` of `dropoutSeed`, one per step, and
    ///   the batch's `firstRow`).
    public func forward(_ batch: Batch, parameters: ParameterStore, workspace: Workspace, training: Bool = false,
                        dropoutSeed: UInt64 = 0) -> Cache {
        let E = configuration.embedding, H = configuration.hidden, L = configuration.layers
        let B = batch.size, S = batch.sourceLength, T = batch.targetLength
        precondition(S > 0 && T > 0, "a batch needs source and target positions")
        let packing = PackedSequences(lengths: PackedSequences.weightedLengths(batch.targetWeights, rows: B, columns: T),
                                      steps: T, padding: .right)
        let dropout: Float = training ? configuration.dropout : 0
        let stream = DropoutStream(seed: dropoutSeed, firstRow: batch.firstRow)

        // 1. The encoder, its results in the decoder's order.
        let encoded = encoder.forward(source: batch.source, sentences: B, sourceLength: S, order: packing.order, dropout: dropout,
                                      stream: stream, parameters: parameters, workspace: workspace)
        let attention = decoder.attention.prepare(sourceStates: encoded.sourceStates, sourceLength: S, start: encoded.start,
                                                  rows: packing.rowCount, parameters: parameters, workspace: workspace)

        // 2. The decoder's storage for every packed row; every step's share of layer 0's product
        //    that depends on y_{t-1} alone, in one GEMM.
        let decoderInputIds = packing.pack(batch.decoderInput)
        let layers = decoder.layers.enumerated().map {
            $1.makeCache(rows: packing.rowCount, workspace: workspace, residual: decoder.isResidual($0))
        }
        decoderInputIds.withUnsafeBufferPointer {
            decoder.embedding.forward(ids: $0, into: layers[0].inputs.columns(0..<E), parameters: parameters)
        }
        decoder.layers[0].projectInputs(layers[0], precomputed: E, parameters: parameters)
        var masks = [Matrix?](repeating: nil, count: L)
        if dropout > 0 {
            for l in 1..<L {
                masks[l] = stream.mask(site: DropoutStream.decoder(layer: l), packing: packing, columns: H, probability: dropout,
                                       workspace: workspace)
            }
        }

        // 3. Initial states: layer l's (h, c) after the encoder's last step.
        let first = packing.counts[0]
        for (l, layer) in decoder.layers.enumerated() {
            layers[l].inputs.rows(0..<first).columns(layer.inputSize..<(layer.inputSize + H))
                .copy(from: encoded.finalHidden[l].rows(0..<first))
        }
        let cells = layers.map { Optional($0.cells) }
        var cache = Cache(batchSize: B, targetLength: T, attentionalStates: attention.attentionalStates, decoderPacking: packing,
                          encoder: encoded, decoderInputIds: decoderInputIds,
                          decoder: AttentionalDecoder.Cache(layers: layers, previousCells: cells, masks: masks, attention: attention,
                                                            rows: 0..<0, previousRows: 0..<0),
                          initialCells: encoded.finalCells.map { $0.rows(0..<first) })

        // 4. The step, unrolled; each carries its states to the next.
        for t in 0..<T where packing.counts[t] > 0 {
            let step = cache.step(t)
            decoder.forward(step, sentences: .inOrder, embeddingPreloaded: true, parameters: parameters)
            if t + 1 < T && packing.counts[t + 1] > 0 { decoder.carry(from: step, to: cache.step(t + 1), origins: nil) }
        }

        // 5. h̃ back into the batch's [B·T, H] order.
        cache.attentionalStates = workspace.matrix(rows: B * T, columns: H)
        packing.unpack(attention.attentionalStates, into: cache.attentionalStates)
        return cache
    }

    /// Adds the gradients of every parameter except the output projection (the loss adds those).
    /// - Parameter dAttentionalStates: dL/dh̃ [B·T, H] in `cache.attentionalStates`' order (padding
    ///   rows are ignored: their h̃ is not computed).
    /// - Parameter finished: called with `.decoder`, then `.encoder`, as soon as those gradients are complete.
    public func backward(_ cache: Cache, dAttentionalStates: Matrix, parameters: ParameterStore, workspace: Workspace,
                         finished: (Part) -> Void = { _ in }) {
        let E = configuration.embedding, H = configuration.hidden
        let packing = cache.decoderPacking, T = cache.targetLength, B = cache.batchSize
        precondition(dAttentionalStates.rows == B * T && dAttentionalStates.columns == H, "dAttentionalStates shape")
        let rowCount = packing.rowCount, first = packing.counts[0]

        // dL/dh̃ in packed order; input feeding adds into it during the sweep.
        let dAttentional = workspace.uninitialized(rows: rowCount, columns: H)
        packing.pack(dAttentionalStates, into: dAttentional)
        let attention = cache.decoder.attention
        let gradients = decoder.attention.makeGradients(cache: attention, workspace: workspace)
        let dOutputs = decoder.layers.map { _ in workspace.matrix(rows: rowCount, columns: H) }
        let dCells = decoder.layers.map { _ in workspace.matrix(rows: max(first, 1), columns: H) }
        let dInitialHidden = decoder.layers.map { _ in workspace.matrix(rows: first, columns: H) }
        let scratchNeeded = cache.decoderMasks.contains { $0 != nil } || decoder.layers.indices.contains { decoder.isResidual($0) }
        let dropoutScratch = workspace.uninitialized(rows: scratchNeeded ? first : 0, columns: H)

        // 1. The sweep, last step first.
        for t in stride(from: T - 1, through: 0, by: -1) where packing.counts[t] > 0 {
            decoder.backward(cache.step(t), sentences: .inOrder, dAttentional: dAttentional, dOutputs: dOutputs, dCells: dCells,
                             dPreviousHidden: t == 0 ? dInitialHidden : dOutputs, dPreviousAttentional: t == 0 ? nil : dAttentional,
                             dropoutScratch: dropoutScratch, gradients: gradients, parameters: parameters)
        }

        // 2. Weight gradients, one GEMM per matrix over every step; the target embeddings.
        let layers = cache.decoder.layers
        for (l, layer) in decoder.layers.enumerated() { layer.accumulateWeightGradients(layers[l], parameters: parameters) }
        let dEmbedded = workspace.uninitialized(rows: rowCount, columns: E)
        decoder.layers[0].inputGradients(dGates: layers[0].gates, columns: 0..<E, into: dEmbedded, beta: 0, parameters: parameters)
        cache.decoderInputIds.withUnsafeBufferPointer {
            decoder.embedding.backward(ids: $0, dOutput: dEmbedded, parameters: parameters)
        }
        let dSourceStates = decoder.attention.finishBackward(queries: layers[layers.count - 1].stackOutputs, cache: attention,
                                                             gradients: gradients, parameters: parameters)

        finished(.decoder)

        // 3. The encoder, from dL/dh̄ and the gradients of the states the decoder started from.
        encoder.backward(cache.encoder, dSourceStates: dSourceStates, dFinalHidden: dInitialHidden,
                         dFinalCells: dCells.map { $0.rows(0..<first) }, parameters: parameters, workspace: workspace)
        finished(.encoder)
    }
}
