import IO
import Testing
import TestSupport
@testable import ModelFiles

@Suite struct RecipeTests {
    static let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    @Test func shippedRecipesParseWithTheContractValues() throws {
        let recipe = try Recipe(contentsOf: "/\(Self.root)/recipes/en-fr.yaml")
        #expect(recipe.name == "en-fr")
        #expect(recipe.data.buckets == [[10, 15], [20, 25], [40, 50], [80, 90]])
        #expect(recipe.data.tokenizer == .reversible && recipe.data.bpeMerges == 8_000)
        #expect(recipe.model.attention == .general && recipe.model.layers == 2 && recipe.model.dropout == 0.2)
        #expect(recipe.model.encoder == .bi && recipe.train.average == .ema)
        #expect(recipe.train.loss == .sampled && recipe.train.numSampled == 512 && recipe.train.maxMinutes == 30)
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
        ("train:\n  batch_size: -4\n", "r.yaml:2: train.batch_size must be in 1...4096, not -4"),
        ("train:\n  learning_rate: fast\n", "r.yaml:2: train.learning_rate must be a number in (0.0, 10.0], not 'fast'"),
        ("model:\n  input_feeding: yes please\n", "r.yaml:2: model.input_feeding must be true or false, not 'yes please'"),
        ("model:\n  dropout: 1.5\n", "r.yaml:2: model.dropout must be in [0.0, 1.0), not 1.5"),
        // Issue 11, defect 3: numbers that crashed, overflowed `ParameterLayout.add` or hung.
        ("model:\n  hidden: 100000000000\n", "r.yaml:2: model.hidden must be in 1...8192, not 100000000000"),
        ("model:\n  hidden: 1e11\n", "r.yaml:2: model.hidden must be a whole number in 1...8192, not '1e11'"),
        ("model: {embedding: 1000000000}\n", "r.yaml:1: model.embedding must be in 1...8192, not 1000000000"),
        ("model: {layers: 100000}\n", "r.yaml:1: model.layers must be in 1...16, not 100000"),
        ("train: {batch_size: 10000000}\n", "r.yaml:1: train.batch_size must be in 1...4096, not 10000000"),
        ("data: {buckets: [[10, 15], [20, 1000000000]]}\n", "r.yaml:1: data.buckets must be in 1...1000, not 1000000000"),
        ("data: {src_vocab: 100000000000}\n", "r.yaml:1: data.src_vocab must be in 5...1000000, not 100000000000"),
        ("decode: {beam: 100000}\n", "r.yaml:1: decode.beam must be in 1...256, not 100000"),
        ("decode: {max_length_ratio: 1e300}\n", "r.yaml:1: decode.max_length_ratio must be in (0.0, 10.0], not 1e300"),
        ("decode: {max_length_ratio: inf}\n", "r.yaml:1: decode.max_length_ratio must be in (0.0, 10.0], not inf"),
        ("decode: {max_length_ratio: .nan}\n", "r.yaml:1: decode.max_length_ratio must be a number in (0.0, 10.0], not '.nan'"),
        ("train: {learning_rate: 1e300}\n", "r.yaml:1: train.learning_rate must be in (0.0, 10.0], not 1e300"),
        ("train: {max_minutes: 1e300}\n", "r.yaml:1: train.max_minutes must be in (0.0, 527040.0], not 1e300"),
        ("train: {seed: 99999999999}\n", "r.yaml:1: train.seed must be in 0...4294967295, not 99999999999"),
        ("train: {min_learning_rate: 11}\n", "r.yaml:1: train.min_learning_rate must be in [0.0, 10.0], not 11"),
        ("train: {patience: -1}\n", "r.yaml:1: train.patience must be in 0...1000, not -1"),
        // Defect 5: the name becomes data/<name> and models/<name>.
        ("name: ../../x\n", "r.yaml:1: name must be a plain file name (letters, digits, '-', '_', '.', not starting with a dot), not '../../x'"),
        ("name: .hidden\n", "r.yaml:1: name must be a plain file name"),
        ("name: a/b\n", "r.yaml:1: name must be a plain file name"),
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
            #expect(!"\(error)".contains("\n"), "more than one line: \(error)")
        }
    }

    /// Defect 4: 100,000 `[` overflowed the stack inside Yams; refused before it parses.
    @Test(arguments: [String(repeating: "[", count: 100_000), String(repeating: "{a: ", count: 50_000),
                      (0..<200).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n"),
                      String(repeating: "- ", count: 10_000) + "x"])
    func deepRecipesAreOneLineErrors(text: String) {
        do {
            _ = try Recipe(yaml: text, path: "r.yaml")
            Issue.record("no error")
        } catch {
            #expect("\(error)".hasPrefix("r.yaml:"), "\(error)")
            #expect("\(error)".contains("nested") && "\(error)".contains("at most 16"), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
    }

    /// Defect 4: a file larger than 1 MB is refused without being read to its end.
    /// Anchors and aliases are refused, on the line they are on (a "billion laughs" of nested
    /// aliases would grow a small file into a huge tree); `&` and `*` inside quoted scalars,
    /// comments and plain scalars are text.
    @Test(arguments: [("name: x\nmodel: &m {hidden: 8}\ntrain: *m\n", 2),
                      ("name: x\ndata: {buckets: [[4, 6], *b]}\n", 2),
                      ("name: x\ntrain:\n  seed: 1\n  loss: *l\n", 4),
                      ("name: x\ntrain: {seed: 1, loss: &l full}\n", 2),
                      ("a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n", 1)])
    func anchorsAndAliasesAreRefused(text: String, line: Int) {
        do {
            _ = try Recipe(yaml: text, path: "r.yaml")
            Issue.record("no error for \(text)")
        } catch {
            #expect("\(error)".hasPrefix("r.yaml:\(line):") && "\(error)".contains("anchors and aliases"), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func ampersandsAndStarsInTextAreText() throws {
        let recipe = try Recipe(yaml: "name: x   # & and * in a comment\ndata: {corpus: \"*corpus&\", src: en, tgt: fr}\n", path: "r.yaml")
        #expect(recipe.data.corpus == "*corpus&")
        #expect(try Recipe(yaml: "data: {corpus: a&b*c}\n", path: "r.yaml").data.corpus == "a&b*c")
        #expect(try Recipe(yaml: "data:\n  corpus: '&c'\n", path: "r.yaml").data.corpus == "&c")
    }

    @Test func largeRecipesAreRefused() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("big.yaml", "name: big\n# " + String(repeating: "x", count: 1_100_000) + "\n")
        #expect(throws: RecipeError(path: path, line: 1, message: "a recipe is at most 1 MB; this file is larger")) {
            try Recipe(contentsOf: path)
        }
    }

    /// Defect 7: a BOM is dropped (it broke a recipe opening with `---`); a NUL is one line.
    @Test func byteOrderMarkIsDroppedAndNulIsOneLine() throws {
        let dir = try TemporaryDirectory()
        let bom = try dir.write("bom.yaml", [0xEF, 0xBB, 0xBF] + Array("---\nname: bom\nmodel: {hidden: 32}\n".utf8))
        let recipe = try Recipe(contentsOf: bom)
        #expect(recipe.name == "bom" && recipe.model.hidden == 32)
        let nul = try dir.write("nul.yaml", Array("name: a\nmodel: {hidden: 3".utf8) + [0] + Array("2}\n".utf8))
        #expect(throws: RecipeError(path: nul, line: 2, message: "a recipe is text; this line holds a NUL byte")) {
            try Recipe(contentsOf: nul)
        }
    }

    /// Plain names pass; a file name that is not one gives "model" as the default name.
    @Test func namesArePlainFileNames() throws {
        #expect(try Recipe(yaml: "name: en-fr_2.small\n", path: "r.yaml").name == "en-fr_2.small")
        #expect(try Recipe(yaml: "name: modèle\n", path: "r.yaml").name == "modèle")
        #expect(try Recipe(yaml: "model: {hidden: 8}\n", path: "/tmp/a b.yaml").name == "model")
    }

    /// The new keys go to config.yaml and come back.
    @Test func minLearningRateAndPatienceRoundTrip() throws {
        let recipe = try Recipe(yaml: "train: {learning_rate: 0.01, min_learning_rate: 0.0005, patience: 4}\n", path: "r.yaml")
        #expect(recipe.train.minLearningRate == 0.0005 && recipe.train.patience == 4)
        #expect(recipe.yaml.contains("  min_learning_rate: 0.0005\n") && recipe.yaml.contains("  patience: 4\n"))
        #expect(try Recipe(yaml: recipe.yaml, path: "config.yaml") == recipe)
        #expect(Recipe().train.minLearningRate == Recipe.defaultMinLearningRate && Recipe().train.patience == 0)
    }

    /// The defaults in code are CONTRACT.md's example recipe (this is its text); the keys added
    /// since it keep the defaults the README's table gives.
    @Test func defaultsAreTheContractExampleRecipe() throws {
        let contract = """
            name: en-fr
            data:   {corpus: corpora/ddtp-en-fr, src: en, tgt: fr, tokenizer: reversible, bpe_merges: 16000,
                     src_vocab: 20000, tgt_vocab: 20000, min_count: 1, max_length: 80, lowercase: false, reverse_source: true,
                     buckets: [[10, 15], [20, 25], [40, 50], [80, 90]]}
            model:  {embedding: 256, hidden: 256, layers: 2, attention: general, input_feeding: true,
                     dropout: 0.2}
            train:  {loss: sampled, num_sampled: 512, optimizer: adam, learning_rate: 0.001, decay: 0.5,
                     max_gradient_norm: 5.0, batch_size: 64, max_minutes: 30, eval_every: 1000, seed: 1}
            decode: {beam: 5, length_penalty: 1.0, max_length_ratio: 2.0}

            """
        #expect(try Recipe(yaml: contract, path: "contract.yaml") == Recipe())
        let shipped = try Recipe(contentsOf: "/\(Self.root)/recipes/en-fr.yaml")
        #expect(shipped != Recipe(), "en-fr.yaml tunes batch_size, learning_rate, bpe_merges, encoder and average")
    }

    /// Loss, optimizer, attention score and tokenizer are read as their enums and written back
    /// as the words a recipe uses.
    @Test func choicesAreTypedAndWrittenBack() throws {
        let recipe = try Recipe(yaml: "data: {tokenizer: moses}\nmodel: {attention: concat}\ntrain: {loss: full, optimizer: sgd}\n",
                                path: "r.yaml")
        #expect(recipe.data.tokenizer == .moses && recipe.model.attention == .concat)
        #expect(recipe.train.loss == .full && recipe.train.optimizer == .sgd)
        for line in ["  tokenizer: moses\n", "  attention: concat\n", "  loss: full\n", "  optimizer: sgd\n"] {
            #expect(recipe.yaml.contains(line), "\(line) missing from config.yaml")
        }
        #expect(try Recipe(yaml: recipe.yaml, path: "config.yaml") == recipe)
        #expect(RecipeKey.named("train.optimizer").rangeText == "adam, sgd" && RecipeKey.named("train.loss").rangeText == "full, sampled")
    }

    /// Every key of the table is in config.yaml, and the README's table is the table's rendering.
    @Test func readmeTableIsTheKeyTable() throws {
        let yaml = Recipe().yaml
        for key in RecipeKey.all { #expect(yaml.contains("\(key.leaf): "), "\(key.name) missing from config.yaml") }
        let readme = try String(decoding: FileSystem.readBytes("/\(Self.root)/README.md"), as: UTF8.self)
        #expect(readme.contains(RecipeKey.markdownTable), "README's recipe table differs from RecipeKey.markdownTable:\n\(RecipeKey.markdownTable)")
    }
}
