import IO
import Model
import Text
import Yams

/// A training recipe (`recipes/*.yaml`): data preparation, model shape, training and decoding
/// settings, with every key of CONTRACT.md.
///
/// Parsing checks everything before any work starts: an unknown key, a wrong type or an
/// impossible value is a `RecipeError` naming the file, the line and the key
/// (`recipes/x.yaml:7: model.attention must be one of dot, general, concat, not 'bilinear'`).
/// Keys left out take the defaults below: the values of CONTRACT.md's example recipe, and for
/// the keys added since (`max_steps`, `log_every`, `min_learning_rate`, `patience`) those the
/// README's table gives. `recipes/en-fr.yaml` departs from them where measurement said so
/// (`batch_size`, `learning_rate`, `length_penalty`).
public struct Recipe: Sendable, Equatable {
    /// A tenth of the default `learning_rate`, by the measurement in `recipes/tiny.yaml`: floors
    /// of 0, 1e-5 and 1e-4 (under a hundredth of its rate) left it translating every line to an
    /// empty line after 3,000 steps; 1e-3, a tenth, did not.
    public static let defaultMinLearningRate = 1e-4

    public struct DataSettings: Sendable, Equatable {
        public var corpus = "corpora/ddtp-en-fr"
        public var source = "en"
        public var target = "fr"
        public var tokenizer = TokenizerKind.reversible
        public var bpeMerges = 16_000
        /// Vocabulary sizes, the four specials included.
        public var sourceVocabulary = 20_000
        public var targetVocabulary = 20_000
        public var minCount = 1
        public var maxLength = 80
        public var lowercase = false
        public var reverseSource = true
        /// (source, target) length limits, increasing; a pair goes to the first bucket it fits.
        public var buckets: [[Int]] = [[10, 15], [20, 25], [40, 50], [80, 90]]

        public init() {}
    }

    public struct ModelSettings: Sendable, Equatable {
        public var embedding = 256
        public var hidden = 256
        public var layers = 2
        public var attention = LuongAttention.Score.general
        public var inputFeeding = true
        public var dropout = 0.2
        public var encoder = EncoderKind.uni
        public var residual = false

        public init() {}
    }

    public struct TrainSettings: Sendable, Equatable {
        public var loss = LossKind.sampled
        public var numSampled = 512
        public var optimizer = OptimizerKind.adam
        public var learningRate = 0.001
        /// The decayed learning rate never goes below this (nor below `learningRate`).
        public var minLearningRate = Recipe.defaultMinLearningRate
        /// Factor the learning rate is multiplied by when dev perplexity stops improving.
        public var decay = 0.5
        public var maxGradientNorm = 5.0
        public var batchSize = 64
        public var maxMinutes = 30.0
        /// 0: no step limit (stop at `maxMinutes`).
        public var maxSteps = 0
        public var evalEvery = 1000
        public var logEvery = 100
        /// Evaluations without a better dev BLEU before training stops (0: never).
        public var patience = 0
        public var seed = 1
        /// θ̄, an exponential moving average of the parameters, for evaluation and translation.
        public var average = AverageKind.none
        /// α of θ̄ ← α·θ̄ + (1 − α)·θ (Marian's default smoothing, 1 − 0.9999).
        public var emaDecay = 0.9999
        /// Evaluation checkpoints `step-N.ckpt` kept for `nmt average` (0: none).
        public var keepCheckpoints = 0

        public init() {}
    }

    public struct DecodeSettings: Sendable, Equatable {
        public var beam = 5
        public var lengthPenalty = 1.0
        public var maxLengthRatio = 2.0

        public init() {}
    }

    public var name = "en-fr"
    public var data = DataSettings()
    public var model = ModelSettings()
    public var train = TrainSettings()
    public var decode = DecodeSettings()

    public init() {}

    /// Reads and checks a recipe file.
    /// - Throws: `FileError` for an unreadable file, `RecipeError` for anything wrong inside it
    ///   (larger than `RecipeText.maximumBytes` is refused before the rest is read).
    public init(contentsOf path: String) throws {
        guard let bytes = try FileSystem.readBytes(path, limit: RecipeText.maximumBytes) else {
            throw RecipeError(path: path, line: 1, message: "a recipe is at most \(RecipeText.maximumBytes / 1_000_000) MB; this file is larger")
        }
        try self.init(yaml: try RecipeText.check(bytes, path: path), path: path)
    }

    /// Parses recipe text; `path` names the file in errors.
    public init(yaml given: String, path: String) throws {
        self.init()
        let text = try RecipeText.check(Array(given.utf8), path: path)
        let parser = RecipeParser(path: path)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw RecipeError(path: path, line: 1, message: "the recipe is empty") }
            root = node
        } catch let error as RecipeError {
            throw error
        } catch let error as YamlError {
            throw parser.yamlError(error)
        }
        // Each section's keys as `RecipeKey.all` declares them, then the rules that span keys.
        let top = try parser.mapping(root, key: nil, allowed: RecipeKey.keys(in: nil) + RecipeKey.sections)
        var given = [String: Node]()
        for section in [nil] + RecipeKey.sections {
            let nodes: [String: Node]
            if let section {
                guard let node = top[section] else { continue }
                nodes = try parser.mapping(node, key: section, allowed: RecipeKey.keys(in: section))
            } else {
                nodes = top
            }
            for key in RecipeKey.all where key.section == section {
                guard let node = nodes[key.leaf] else { continue }
                try key.read(&self, node, parser)
                given[key.name] = node
            }
            try checkAcrossKeys(given: given, parser: parser)
        }
        if given["name"] == nil {
            let file = String(path.split(separator: "/").last?.split(separator: ".").first ?? "model")
            name = RecipeParser.isPlainFileName(file) ? file : "model"
        }
        bucketsLine = given["data.buckets"]?.mark?.line
    }

    /// The rules that span keys, checked once the keys they name were read (`given`, by dotted
    /// name); each error names the line of a key the recipe gave.
    private func checkAcrossKeys(given: [String: Node], parser: RecipeParser) throws {
        if data.source == data.target, let node = given["data.tgt"] ?? given["data.src"] {
            throw parser.error(node, "data.src and data.tgt must differ")
        }
        if train.loss == .sampled, train.numSampled >= data.targetVocabulary, let node = given["train.num_sampled"] ?? given["train.loss"] {
            throw parser.error(node, "train.num_sampled (\(train.numSampled)) must be smaller than data.tgt_vocab (\(data.targetVocabulary))")
        }
        if model.encoder == .bi, !model.hidden.isMultiple(of: 2), let node = given["model.encoder"] ?? given["model.hidden"] {
            throw parser.error(node, "model.encoder: bi needs an even model.hidden (H/2 per direction), not \(model.hidden)")
        }
    }

    /// The line of `data.buckets` in the recipe read, for errors about them (nil: not given).
    public var bucketsLine: Int? = nil

    public static func == (a: Recipe, b: Recipe) -> Bool {
        a.name == b.name && a.data == b.data && a.model == b.model && a.train == b.train && a.decode == b.decode
    }

    /// The resolved recipe as YAML, every key of `RecipeKey.all` written (the model directory's
    /// `config.yaml`).
    public var yaml: String {
        var text = ""
        var section: String? = nil
        for key in RecipeKey.all {
            if key.section != section, let name = key.section {
                text += "\(name):\n"
                section = name
            }
            text += (key.section == nil ? "" : "  ") + "\(key.leaf): \(key.value(self))\n"
        }
        return text + "\n"
    }
}
