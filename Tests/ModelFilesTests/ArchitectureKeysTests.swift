import Testing
@testable import ModelFiles

/// `model.encoder` and `model.residual`: defaults that leave existing recipes as they were, the
/// values reaching the network's configuration, and one error line for each bad value.
@Suite struct ArchitectureKeysTests {
    @Test func defaultsAreUnidirectionalWithoutResidual() throws {
        let recipe = try Recipe(yaml: "model: {hidden: 7}\n", path: "r.yaml")
        #expect(recipe.model.encoder == .uni && recipe.model.residual == false)
        let configuration = recipe.configuration(sourceVocabularySize: 10, targetVocabularySize: 10)
        #expect(configuration.encoder == .uni && configuration.residual == false)
    }

    @Test func valuesReachTheConfigurationAndTheResolvedRecipe() throws {
        let recipe = try Recipe(yaml: "model:\n  encoder: bi\n  residual: true\n  layers: 4\n", path: "r.yaml")
        let configuration = recipe.configuration(sourceVocabularySize: 10, targetVocabularySize: 10)
        #expect(configuration.encoder == .bi && configuration.residual && configuration.layers == 4)
        #expect(recipe.yaml.contains("  encoder: bi\n") && recipe.yaml.contains("  residual: true\n"))
        #expect(try Recipe(yaml: recipe.yaml, path: "config.yaml") == recipe)
    }

    @Test(arguments: [
        ("model: {encoder: bi, hidden: 7}\n", "r.yaml:1: model.encoder: bi needs an even model.hidden (H/2 per direction), not 7"),
        ("model:\n  hidden: 255\n  encoder: bi\n", "r.yaml:3: model.encoder: bi needs an even model.hidden (H/2 per direction), not 255"),
        ("model:\n  encoder: forward\n", "r.yaml:2: model.encoder must be one of uni, bi, not 'forward'"),
        ("model:\n  residual: maybe\n", "r.yaml:2: model.residual must be true or false, not 'maybe'"),
    ])
    func badValuesNameTheKeyAndLine(text: String, expected: String) {
        do {
            _ = try Recipe(yaml: text, path: "r.yaml")
            Issue.record("no error for \(text)")
        } catch {
            #expect("\(error)" == expected)
        }
    }
}
