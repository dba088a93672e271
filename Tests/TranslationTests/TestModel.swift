import IO
import Model
import ModelFiles
import Tensor
import TestSupport
import Text

/// A model directory made in the test: tiny vocabularies, no BPE, random weights, buckets of at
/// most 6 source tokens (so that longer lines are translated in pieces).
struct TestModel {
    static let sourceWords = ["the", "cat", "sat", "on", "mat", "a", "dog", ".", ","]
    static let targetWords = ["le", "chat", "assis", "sur", "tapis", "un", "chien", ".", ","]

    let scratch: TemporaryDirectory
    let directory: ModelDirectory
    var path: String { directory.path }

    /// - Parameters: unknownBias: output.bias of `<unk>` (high: outputs full of `<unk>`);
    ///   eosBias: output.bias of `<eos>` (low: longer outputs).
    init(tokenizer: TokenizerKind = .reversible, layers: Int = 1, beam: Int = 3, unknownBias: Float = 0,
         eosBias: Float = -1, seed: UInt64 = 1) throws {
        scratch = try TemporaryDirectory()
        var recipe = Recipe()
        recipe.name = "test"
        recipe.data.tokenizer = tokenizer
        recipe.data.buckets = [[4, 6], [6, 8]]
        recipe.model.embedding = 8
        recipe.model.hidden = 8
        recipe.model.layers = layers
        recipe.model.dropout = 0
        recipe.decode.beam = beam
        let source = Vocabulary(tokens: Vocabulary.specials + Self.sourceWords)
        let target = Vocabulary(tokens: Vocabulary.specials + Self.targetWords)
        directory = try ModelDirectory.create(path: scratch.path("model"), recipe: recipe, sourceVocabulary: source,
                                              targetVocabulary: target, codes: nil)
        var layout = ParameterLayout()
        let model = Seq2Seq(configuration: directory.configuration, layout: &layout)
        let store = ParameterStore(layout: layout)
        store.initializeUniform(scale: 0.8, seed: seed)
        store.value(model.outputBias)[0, Int(Vocabulary.eosID)] = eosBias
        store.value(model.outputBias)[0, Int(Vocabulary.unkID)] = unknownBias
        var checkpoint = Checkpoint()
        directory.stamp(&checkpoint, layout: layout)
        checkpoint.tensors.append(("parameters", store.values))
        try checkpoint.write(to: directory.checkpointPath(.best))
    }
}
