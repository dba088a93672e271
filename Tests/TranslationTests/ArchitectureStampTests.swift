import Testing
import IO
import Model
import ModelFiles
import Tensor
import TestSupport
import Text

/// `model.encoder` and `model.residual` tie a checkpoint to its network: a checkpoint trained
/// with one cannot be loaded under the other, with one line naming the key and both values.
@Suite struct ArchitectureStampTests {
    /// A model directory at `name` with the given choices, and a checkpoint written in its `best.ckpt`.
    static func makeModel(in scratch: TemporaryDirectory, name: String, encoder: EncoderKind, residual: Bool) throws -> ModelDirectory {
        var recipe = Recipe()
        recipe.name = name
        recipe.model.embedding = 8
        recipe.model.hidden = 8
        recipe.model.layers = 3
        recipe.model.encoder = encoder
        recipe.model.residual = residual
        let words = Vocabulary(tokens: Vocabulary.specials + ["a", "b", "c"])
        let directory = try ModelDirectory.create(path: scratch.path(name), recipe: recipe, sourceVocabulary: words,
                                                  targetVocabulary: words, codes: nil)
        var layout = ParameterLayout()
        _ = Seq2Seq(configuration: directory.configuration, layout: &layout)
        let store = ParameterStore(layout: layout)
        store.initializeUniform(scale: 0.1, seed: 1)
        var checkpoint = Checkpoint()
        directory.stamp(&checkpoint, layout: layout)
        checkpoint.tensors.append(("parameters", store.values))
        try checkpoint.write(to: directory.checkpointPath(.best))
        return directory
    }

    /// Loading `trained`'s checkpoint into `loading`'s directory: the error's text (nil: it loads).
    static func loadError(trained: (EncoderKind, Bool), loading: (EncoderKind, Bool)) throws -> String? {
        let scratch = try TemporaryDirectory()
        let source = try makeModel(in: scratch, name: "trained", encoder: trained.0, residual: trained.1)
        let target = try makeModel(in: scratch, name: "loading", encoder: loading.0, residual: loading.1)
        try FileSystem.writeAtomically(target.checkpointPath(.best), FileSystem.readBytes(source.checkpointPath(.best)))
        do {
            _ = try ModelDirectory(path: target.path).load(.best)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aBidirectionalCheckpointIsNotLoadedAsUnidirectional() throws {
        let error = try Self.loadError(trained: (.bi, false), loading: (.uni, false))
        #expect(error?.contains("it was trained with model.encoder: bi, but ") == true, "\(error ?? "loaded")")
        #expect(error?.hasSuffix("loading/config.yaml says model.encoder: uni") == true, "\(error ?? "loaded")")
        let back = try Self.loadError(trained: (.uni, false), loading: (.bi, false))
        #expect(back?.contains("it was trained with model.encoder: uni, but ") == true, "\(back ?? "loaded")")
    }

    @Test func residualIsPartOfTheCheckpointsIdentity() throws {
        let error = try Self.loadError(trained: (.uni, true), loading: (.uni, false))
        #expect(error?.hasSuffix("says model.residual: false") == true, "\(error ?? "loaded")")
        #expect(error?.contains("it was trained with model.residual: true") == true, "\(error ?? "loaded")")
        #expect(try Self.loadError(trained: (.bi, true), loading: (.bi, true)) == nil)
    }

    /// Default choices add nothing to a checkpoint: it is what it was before the keys existed.
    @Test func defaultsAreNotStamped() throws {
        let scratch = try TemporaryDirectory()
        let directory = try Self.makeModel(in: scratch, name: "plain", encoder: .uni, residual: false)
        let checkpoint = try Checkpoint(contentsOf: directory.checkpointPath(.best))
        #expect(checkpoint.text("model.encoder") == nil && checkpoint.text("model.residual") == nil)
        let bi = try Self.makeModel(in: scratch, name: "bi", encoder: .bi, residual: true)
        let stamped = try Checkpoint(contentsOf: bi.checkpointPath(.best))
        #expect(stamped.text("model.encoder") == "bi" && stamped.text("model.residual") == "true")
    }
}
