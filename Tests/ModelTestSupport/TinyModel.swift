import Data
import IO
import Loss
import Model
import Tensor

/// A tiny model for the model and decoding tests: a `Seq2Seq`, its store with every parameter
/// (biases too) drawn from U(-scale, scale), the full softmax on its output and a workspace.
public struct TinyModel {
    public let model: Seq2Seq
    public let store: ParameterStore
    public let loss: SoftmaxCrossEntropy
    public let workspace = Workspace(blockSize: 1 << 16)

    /// - Parameter eosBias: output.bias of `<eos>` (lower: longer outputs).
    public init(_ configuration: Seq2SeqConfiguration, scale: Float = 1, seed: UInt64 = 7, eosBias: Float? = nil) {
        var layout = ParameterLayout()
        model = Seq2Seq(configuration: configuration, layout: &layout)
        store = ParameterStore(layout: layout)
        var random = SplitMix64(seed: seed)
        for view in layout.views {
            let values = store.value(view)
            for i in 0..<values.rows {
                for j in 0..<values.columns {
                    values[i, j] = (2 * Float(random.next() >> 40) * (1.0 / Float(1 << 24)) - 1) * scale
                }
            }
        }
        if let eosBias { store.value(model.outputBias)[0, Int(Batch.eos)] = eosBias }
        loss = SoftmaxCrossEntropy(weight: model.outputWeight, bias: model.outputBias)
    }
}
