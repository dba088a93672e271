extension Seq2Seq.Inference {
    /// The floats an `Inference` of `rows` rows holds while decoding sources of at most
    /// `sourceLength` tokens, `sentences` of them at a time (rows / K for a beam of K), from the
    /// shapes alone (what `init` and `start` allocate): the decoder's storage (per row and layer
    /// [x, h] + 4H gates + c_{t-1}, c, tanh c, h) and the logits Vt; per batch attention's rows
    /// (concat's queries, [c; h], h̃ and a_t over S), the embedding gates' table where it is made,
    /// and the encoder's workspace over sentences·S positions (its LSTM caches, h̄, keys and the
    /// final states). A bidirectional first layer holds two halves' caches and [fwd; bwd]: E + H
    /// more per position; a residual layer H more per row (its h + x).
    public static func floats(configuration: Seq2SeqConfiguration, rows: Int, sentences: Int, sourceLength: Int,
                              embeddingGateLimit: Int = Seq2Seq.Inference.embeddingGateLimit) -> Double {
        let N = Double(rows), S = Double(sourceLength), B = Double(sentences)
        let E = Double(configuration.embedding), H = Double(configuration.hidden), L = Double(configuration.layers)
        let V = configuration.targetVocabularySize
        let firstInput = E + (configuration.inputFeeding ? H : 0)
        let residualLayers = configuration.residual ? max(L - 2, 0) : 0
        let step = N * ((firstInput + 9 * H) + (L - 1) * 10 * H + residualLayers * H + Double(V)) + 16 * (6 * L + 1 + residualLayers)
        let attention = N * (4 * H + S) + 16 * 4
        let gates = V * 4 * configuration.hidden <= embeddingGateLimit ? Double(V * 4 * configuration.hidden) : 0
        let bidirectional = configuration.encoder == .bi ? E + H : 0
        let encoder = B * S * ((E + 9 * H) + (L - 1) * 9 * H + residualLayers * H + bidirectional + 2 * H) + 2 * L * B * H
            + Double(1 << 20)
        return step + attention + gates + encoder
    }
}
