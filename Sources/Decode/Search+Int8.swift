import Model
import Tensor

extension Search {
    /// The search's model steps: its own model's, then an ensemble's other models' (`join`).
    public var inferences: [Seq2Seq.Inference] {
        switch self {
        case .greedy(let greedy): return [greedy.inference] + (greedy.ensemble?.members ?? [])
        case .beam(let beam): return [beam.inference] + (beam.ensemble?.members ?? [])
        case .sample(let sample): return [sample.inference]
        }
    }

    /// Takes every model's decoder products in int8 from now on (`--precision int8`): weights[m]
    /// for `inferences[m]`, made with the default embedding gate limit (nil: that model stays fp32).
    public func decodeInInt8(_ weights: [Int8Decoder?]) {
        let inferences = self.inferences
        precondition(weights.count == inferences.count, "int8 weights for \(weights.count) of \(inferences.count) models")
        for (inference, weights) in zip(inferences, weights) { inference.int8 = weights }
    }
}
