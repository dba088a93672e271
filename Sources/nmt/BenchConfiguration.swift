import ArgumentParser
import Model
import Tensor

/// The two model sizes of the contract (emb, hidden, layers, vocabularies, batch) that
/// `nmt bench train` and `nmt bench translate` time.
enum BenchConfiguration: String, ExpressibleByArgument, CaseIterable, Sendable {
    case S, M

    var embedding: Int { self == .S ? 256 : 512 }
    var hidden: Int { self == .S ? 256 : 512 }
    var layers: Int { self == .S ? 1 : 2 }
    var vocabulary: Int { self == .S ? 8000 : 32000 }
    var batchSize: Int { 64 }

    /// The model of this size as the peer builds it (general attention, input feeding, no
    /// dropout), its parameters drawn from U(-0.1, 0.1) with `seed` by `initializeUniform`;
    /// without gradients for a model that only decodes.
    func model(seed: UInt64, gradients: Bool = true) -> (model: Seq2Seq, parameters: ParameterStore) {
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: Seq2SeqConfiguration(
            sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary, embedding: embedding,
            hidden: hidden, layers: layers, score: .general, inputFeeding: true, dropout: 0), layout: &layout)
        let parameters = gradients ? ParameterStore(layout: layout)
                                   : ParameterStore(decoding: layout, values: FloatBuffer(count: layout.count))
        parameters.initializeUniform(scale: 0.1, seed: seed)
        return (model, parameters)
    }
}
