/// How the encoder's first layer reads the source (tensorflow/nmt's `encoder_type`).
/// - uni: one LSTM, left to right over the (possibly reversed) source.
/// - bi: a forward and a backward LSTM of H/2 each over every sentence's real tokens, their states
///   concatenated to H, so that nothing above the first layer changes shape.
public enum EncoderKind: String, Sendable, Hashable, CaseIterable {
    case uni, bi
}
