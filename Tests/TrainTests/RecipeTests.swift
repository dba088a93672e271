import IO
import Testing
@testable import Train

@Suite struct RecipeTests {
    static let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    @Test func shippedRecipesParseWithTheContractValues() throws {
        let recipe = try Recipe(contentsOf: "/\(Self.root)/recipes/en-fr.yaml")
        #expect(recipe.name == "en-fr")
        #expect(recipe.data.buckets == [[10, 15], [20, 25], [40, 50], [80, 90]])
        #expect(recipe.data.tokenizer == .reversible && recipe.data.bpeMerges == 16_000)
        #expect(recipe.model.attention == "general" && recipe.model.layers == 2 && recipe.model.dropout == 0.2)
        #expect(recipe.train.loss == "sampled" && recipe.train.numSampled == 512 && recipe.train.maxMinutes == 30)
        #expect(recipe.decode.beam == 5)
        let tiny = try Recipe(contentsOf: "/\(Self.root)/recipes/tiny.yaml")
        #expect(tiny.name == "tiny" && tiny.train.maxSteps == 50)
    }

    @Test func resolvedYAMLReadsBackToTheSameRecipe() throws {
        var recipe = try Recipe(contentsOf: "/\(Self.root)/recipes/tiny.yaml")
        recipe.train.learningRate = 0.0003
        #expect(try Recipe(yaml: recipe.yaml, path: "config.yaml") == recipe)
    }

    @Test func missingKeysTakeTheDefaults() throws {
        let recipe = try Recipe(yaml: "model: {hidden: 128}\n", path: "r.yaml")
        #expect(recipe.model.hidden == 128 && recipe.model.embedding == 256 && recipe.name == "r")
    }

    /// Each bad recipe gives one error naming the file, the line and the key.
    @Test(arguments: [
        ("model: {hidden: 128, hiden: 3}\n", "r.yaml:1: unknown key 'model.hiden'"),
        ("data:\n  buckets: [[10, 15], [8, 25]]\n", "r.yaml:2: data.buckets: bucket [8, 25] is smaller than the one before it [10, 15]"),
        ("model:\n  attention: bilinear\n", "r.yaml:2: model.attention must be one of dot, general, concat, not 'bilinear'"),
        ("train:\n  batch_size: -4\n", "r.yaml:2: train.batch_size must be at least 1, not -4"),
        ("train:\n  learning_rate: fast\n", "r.yaml:2: train.learning_rate must be a number, not 'fast'"),
        ("model:\n  input_feeding: yes please\n", "r.yaml:2: model.input_feeding must be true or false, not 'yes please'"),
        ("model:\n  dropout: 1.5\n", "r.yaml:2: model.dropout must be in [0.0, 1.0), not 1.5"),
        ("decoder: {beam: 5}\n", "r.yaml:1: unknown key 'decoder'"),
        ("data: {tgt_vocab: 100}\ntrain: {num_sampled: 512}\n", "r.yaml:2: train.num_sampled (512) must be smaller than data.tgt_vocab (100)"),
        ("model: [1, 2\n", "r.yaml:2: not valid YAML"),
    ])
    func badRecipesNameTheKeyAndLine(text: String, expected: String) {
        do {
            _ = try Recipe(yaml: text, path: "r.yaml")
            Issue.record("no error for \(text)")
        } catch {
            #expect("\(error)".hasPrefix(expected), "\(error)")
        }
    }
}
