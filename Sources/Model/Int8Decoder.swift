import Tensor

/// The weights of the decoder step's products quantized for int8 (`--precision int8`, issue 15),
/// made once at load and shared by every search over the model: each LSTM layer's W over the
/// columns a step multiplies (layer 0 without the embedding rows where decoding looks their
/// share up in `Seq2Seq.Inference`'s table), attention's W_c (and concat's W_a[0..<H]), and the
/// output projection. The encoder and attention's keys (once per batch) stay fp32, and so do
/// the cell nonlinearities, attention's softmax and the log-softmax: int8 sums come back to fp32
/// before them.
public final class Int8Decoder: @unchecked Sendable {
    /// Layer l's W[from_l..<input + H] [K_l, 4H]; `layerFrom[l]` is from_l.
    public let layers: [Int8Matrix]
    public let layerFrom: [Int]
    /// W_c [2H, H].
    public let combine: Int8Matrix
    /// concat: W_a[0..<H] [H, H] (h_t's part of the score, once per step); nil otherwise.
    public let queryProjection: Int8Matrix?
    /// output.weight [Vt, H], quantized per word.
    public let output: Int8Matrix

    /// Quantizes `parameters` for decoding with `Seq2Seq.Inference`s made with the same
    /// `embeddingGateLimit`. Returns nil when oneDNN cannot make the products.
    /// - Complexity: one pass over the decoder's weights and the output projection.
    public init?(model: Seq2Seq, parameters: ParameterStore,
                 embeddingGateLimit: Int = Seq2Seq.Inference.embeddingGateLimit) {
        let decoder = model.decoder, H = decoder.hidden
        let preloaded = Seq2Seq.Inference.usesEmbeddingGates(model.configuration, limit: embeddingGateLimit)
        var layers = [Int8Matrix](), from = [Int]()
        for (l, layer) in decoder.layers.enumerated() {
            let first = l == 0 && preloaded ? decoder.embeddingSize : 0
            guard let weights = Int8Matrix(parameters.value(layer.weight).rows(first..<(layer.inputSize + H))) else { return nil }
            layers.append(weights)
            from.append(first)
        }
        guard let combine = Int8Matrix(parameters.value(decoder.attention.combine)),
              let output = Int8Matrix(parameters.value(model.outputWeight), outputsAreRows: true) else { return nil }
        var queryProjection: Int8Matrix?
        if decoder.attention.score == .concat, let weight = decoder.attention.weight {
            guard let projection = Int8Matrix(parameters.value(weight).rows(0..<H)) else { return nil }
            queryProjection = projection
        }
        self.layers = layers
        layerFrom = from
        self.combine = combine
        self.queryProjection = queryProjection
        self.output = output
    }

    /// The products of one decoding thread: these weights with its scratch.
    public struct Products {
        public let weights: Int8Decoder
        public let scratch: Int8Scratch

        public init(_ weights: Int8Decoder, scratch: Int8Scratch) {
            self.weights = weights
            self.scratch = scratch
        }

        public func layer(_ l: Int) -> Int8Product { Int8Product(weights.layers[l], scratch: scratch) }
        public var combine: Int8Product { Int8Product(weights.combine, scratch: scratch) }
        public var queryProjection: Int8Product? { weights.queryProjection.map { Int8Product($0, scratch: scratch) } }
        public var output: Int8Product { Int8Product(weights.output, scratch: scratch) }
    }
}
