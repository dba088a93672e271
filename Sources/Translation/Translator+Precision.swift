import IO
import Model
import Tensor

extension Translator {
    /// The int8 weights of each model for `precision` (none for fp32): `given` (another
    /// translator's, shared) or quantized here, once per model at load.
    /// - Throws: `Int8Unavailable` where oneDNN cannot make a product.
    static func int8Weights(_ precision: Precision, given: [Int8Decoder]?,
                            models: [(model: Seq2Seq, parameters: ParameterStore, path: String)]) throws -> [Int8Decoder] {
        switch precision {
        case .fp32: return []
        case .int8:
            if let given { return given }
            return try models.map { model in
                guard let weights = Int8Decoder(model: model.model, parameters: model.parameters) else { throw Int8Unavailable(path: model.path) }
                return weights
            }
        case .bf16, .auto:
            preconditionFailure("precision \(precision) reached the translator unresolved")
        }
    }
}

extension Translator {
    /// Gives back each model's fp32 weights that its int8 weights replace
    /// (`Int8Decoder.replacedWeights`), in stores made for decoding (`ModelDirectory.load`).
    static func releaseReplacedWeights(_ models: [(model: Seq2Seq, parameters: ParameterStore)]) {
        for (model, parameters) in models where !parameters.hasGradients {
            for (view, rows) in Int8Decoder.replacedWeights(model: model) { parameters.release(view, rows: rows) }
        }
    }
}

/// oneDNN made no int8 product for a model's shapes (or has no CPU engine).
struct Int8Unavailable: UserError {
    let path: String
    var description: String { "--precision int8: oneDNN cannot make the int8 products of \(path); use --precision fp32" }
}
