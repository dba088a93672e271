import Tensor

extension Int8Decoder {
    /// The bytes `init` allocates for `model`'s shapes, from the shapes alone: each quantized
    /// [K, N] product's K·N int8 weights, its N scales and N column sums (4 bytes each), for each
    /// decoder layer, W_c, concat's W_a[0..<H] and the output projection. (The fp32 weights stay:
    /// the encoder, attention's keys and the embedding gates' table read them.)
    public static func bytes(model: Seq2Seq, embeddingGateLimit: Int = Seq2Seq.Inference.embeddingGateLimit) -> Double {
        products(model: model, embeddingGateLimit: embeddingGateLimit).reduce(0) { $0 + Double($1.N) * Double($1.K + 8) }
    }

    /// The bytes one `Int8Scratch` grows to over `rows` rows: the quantized inputs [rows, K] and
    /// the int32 sums [rows, N] of the largest products (the output projection's N = Vt), and a
    /// scale and a zero point per row.
    public static func scratchBytes(model: Seq2Seq, rows: Int, embeddingGateLimit: Int = Seq2Seq.Inference.embeddingGateLimit) -> Double {
        let shapes = products(model: model, embeddingGateLimit: embeddingGateLimit)
        let K = shapes.map(\.K).max() ?? 0, N = shapes.map(\.N).max() ?? 0
        return Double(rows) * Double(K + 4 * N + 8)
    }

    /// The fp32 weights that decoding with these int8 weights reads no more: each decoder
    /// layer's W[from_l..<input + H], W_c, concat's W_a[0..<H] and output.weight (rows of each).
    /// What stays read: layer 0's W[0..<E] (the table of embedding gates, made by every new
    /// `Seq2Seq.Inference`), the biases, the embeddings, the encoder, attention's keys' W_a and
    /// v_a. `ParameterStore.release` gives them back; a test poisons them with NaN and decodes.
    public static func replacedWeights(model: Seq2Seq, embeddingGateLimit: Int = Seq2Seq.Inference.embeddingGateLimit)
        -> [(view: ParameterView, rows: Range<Int>)] {
        let decoder = model.decoder, H = decoder.hidden
        let preloaded = Seq2Seq.Inference.usesEmbeddingGates(model.configuration, limit: embeddingGateLimit)
        var replaced = decoder.layers.enumerated().map { l, layer in
            (view: layer.weight, rows: (l == 0 && preloaded ? decoder.embeddingSize : 0)..<(layer.inputSize + H))
        }
        replaced.append((decoder.attention.combine, 0..<decoder.attention.combine.rows))
        if decoder.attention.score == .concat, let weight = decoder.attention.weight { replaced.append((weight, 0..<H)) }
        replaced.append((model.outputWeight, 0..<model.outputWeight.rows))
        return replaced
    }

    /// The bytes of `replacedWeights`.
    public static func replacedBytes(model: Seq2Seq, embeddingGateLimit: Int = Seq2Seq.Inference.embeddingGateLimit) -> Double {
        replacedWeights(model: model, embeddingGateLimit: embeddingGateLimit).reduce(0) { $0 + 4 * Double($1.rows.count * $1.view.columns) }
    }

    /// [K, N] of each product `init` quantizes.
    static func products(model: Seq2Seq, embeddingGateLimit: Int) -> [(K: Int, N: Int)] {
        let decoder = model.decoder, H = decoder.hidden
        let preloaded = Seq2Seq.Inference.usesEmbeddingGates(model.configuration, limit: embeddingGateLimit)
        var shapes = decoder.layers.enumerated().map { l, layer in
            (K: layer.inputSize + H - (l == 0 && preloaded ? decoder.embeddingSize : 0), N: layer.weight.columns)
        }
        shapes.append((decoder.attention.combine.rows, decoder.attention.combine.columns))
        if decoder.attention.score == .concat, let weight = decoder.attention.weight { shapes.append((H, weight.columns)) }
        shapes.append((model.outputWeight.columns, model.outputWeight.rows))
        return shapes
    }
}
