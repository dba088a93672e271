extension Seq2Seq.Inference {
    /// The floats an `Inference` of `rows` rows holds while decoding sources of at most
    /// `sourceLength` tokens, `sentences` of them at a time (rows / K for a beam of K), from the shapes alone (what `init` and `start` allocate): the step
    /// buffers (per row and decoder layer [x, h] + 4H gates + c_{t-1}, c, h; then tanh c, [c; h],
    /// concat's queries, h̃ and the logits Vt), a_t (S), the embedding gates' table where it is
    /// made, and the encoder's workspace over sentences·S positions (its LSTM caches, h̄ and keys).
    public static func floats(configuration: Seq2SeqConfiguration, rows: Int, sentences: Int, sourceLength: Int,
                              embeddingGateLimit: Int = Seq2Seq.Inference.embeddingGateLimit) -> Double {
        let N = Double(rows), S = Double(sourceLength)
        let E = Double(configuration.embedding), H = Double(configuration.hidden), L = Double(configuration.layers)
        let V = configuration.targetVocabularySize
        let firstInput = E + (configuration.inputFeeding ? H : 0)
        let step = N * ((firstInput + H + 7 * H) + (L - 1) * (H + H + 7 * H) + 5 * H + Double(V)) + 16 * (5 * L + 5)
        let gates = V * 4 * configuration.hidden <= embeddingGateLimit ? Double(V * 4 * configuration.hidden) : 0
        let encoder = Double(sentences) * S * ((E + 9 * H) + (L - 1) * 9 * H + 2 * H) + Double(1 << 20)
        return step + N * S + gates + encoder
    }
}
