/// The sizes and choices of a `Seq2Seq` model (the recipe's model section).
public struct Seq2SeqConfiguration: Sendable, Hashable {
    public var sourceVocabularySize: Int     // Vs
    public var targetVocabularySize: Int     // Vt
    public var embedding: Int                // E
    public var hidden: Int                   // H
    public var layers: Int                   // L
    public var score: LuongAttention.Score
    /// Luong et al. 2015 §3.3: h̃_{t-1} joins the decoder's input at step t.
    public var inputFeeding: Bool
    /// Drop probability between stacked LSTM layers while training.
    public var dropout: Float
    /// The encoder's first layer: one direction, or both at H/2 each (`EncoderKind`).
    public var encoder: EncoderKind
    /// Residual connections x_{l+1} = LSTM_l(x_l) + x_l on layers 2… (0-based) of the encoder and
    /// the decoder: tensorflow/nmt's num_residual_layers = L − 2.
    public var residual: Bool

    public init(sourceVocabularySize: Int, targetVocabularySize: Int, embedding: Int, hidden: Int, layers: Int,
                score: LuongAttention.Score = .general, inputFeeding: Bool = true, dropout: Float = 0,
                encoder: EncoderKind = .uni, residual: Bool = false) {
        precondition(sourceVocabularySize > 0 && targetVocabularySize > 0 && embedding > 0 && hidden > 0 && layers > 0,
                     "model sizes must be positive")
        precondition(dropout >= 0 && dropout < 1, "dropout \(dropout) outside [0, 1)")
        precondition(encoder == .uni || hidden % 2 == 0, "a bidirectional encoder needs an even hidden size, not \(hidden)")
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.embedding = embedding
        self.hidden = hidden
        self.layers = layers
        self.score = score
        self.inputFeeding = inputFeeding
        self.dropout = dropout
        self.encoder = encoder
        self.residual = residual
    }
}
