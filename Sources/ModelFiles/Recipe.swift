import IO
import Text
import Yams

/// A training recipe (`recipes/*.yaml`): data preparation, model shape, training and decoding
/// settings, with every key of CONTRACT.md.
///
/// Parsing checks everything before any work starts: an unknown key, a wrong type or an
/// impossible value is a `RecipeError` naming the file, the line and the key
/// (`recipes/x.yaml:7: model.attention must be one of dot, general, concat, not 'bilinear'`).
/// Keys left out take the defaults below, which are those of `recipes/en-fr.yaml`.
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
        /// Luong et al. 2015's score: dot, general or concat.
        public var attention = "general"
        public var inputFeeding = true
        public var dropout = 0.2

        public init() {}
    }

    public struct TrainSettings: Sendable, Equatable {
        /// full or sampled (Jean et al. 2015).
        public var loss = "sampled"
        public var numSampled = 512
        /// adam or sgd.
        public var optimizer = "adam"
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
        let top = try parser.mapping(root, key: nil, allowed: RecipeKey.keys(in: nil) + ["data", "model", "train", "decode"])
        if let node = top["name"] { name = try parser.fileName(node, key: "name") } else {
            let file = String(path.split(separator: "/").last?.split(separator: ".").first ?? "model")
            name = RecipeParser.isPlainFileName(file) ? file : "model"
        }
        if let node = top["data"] {
            let m = try parser.mapping(node, key: "data", allowed: RecipeKey.keys(in: "data"))
            if let n = m["corpus"] { data.corpus = try parser.string(n, key: "data.corpus") }
            if let n = m["src"] { data.source = try parser.choice(n, key: "data.src") }
            if let n = m["tgt"] { data.target = try parser.choice(n, key: "data.tgt") }
            if let n = m["tokenizer"] { data.tokenizer = TokenizerKind(rawValue: try parser.choice(n, key: "data.tokenizer"))! }
            if let n = m["bpe_merges"] { data.bpeMerges = try parser.int(n, key: "data.bpe_merges") }
            if let n = m["src_vocab"] { data.sourceVocabulary = try parser.int(n, key: "data.src_vocab") }
            if let n = m["tgt_vocab"] { data.targetVocabulary = try parser.int(n, key: "data.tgt_vocab") }
            if let n = m["min_count"] { data.minCount = try parser.int(n, key: "data.min_count") }
            if let n = m["max_length"] { data.maxLength = try parser.int(n, key: "data.max_length") }
            if let n = m["lowercase"] { data.lowercase = try parser.bool(n, key: "data.lowercase") }
            if let n = m["reverse_source"] { data.reverseSource = try parser.bool(n, key: "data.reverse_source") }
            if let n = m["buckets"] {
                data.buckets = try parser.buckets(n, key: "data.buckets")
                bucketsLine = n.mark?.line
            }
            if data.source == data.target, let n = m["tgt"] ?? m["src"] {
                throw parser.error(n, "data.src and data.tgt must differ")
            }
        }
        if let node = top["model"] {
            let m = try parser.mapping(node, key: "model", allowed: RecipeKey.keys(in: "model"))
            if let n = m["embedding"] { model.embedding = try parser.int(n, key: "model.embedding") }
            if let n = m["hidden"] { model.hidden = try parser.int(n, key: "model.hidden") }
            if let n = m["layers"] { model.layers = try parser.int(n, key: "model.layers") }
            if let n = m["attention"] { model.attention = try parser.choice(n, key: "model.attention") }
            if let n = m["input_feeding"] { model.inputFeeding = try parser.bool(n, key: "model.input_feeding") }
            if let n = m["dropout"] { model.dropout = try parser.double(n, key: "model.dropout") }
        }
        if let node = top["train"] {
            let m = try parser.mapping(node, key: "train", allowed: RecipeKey.keys(in: "train"))
            if let n = m["loss"] { train.loss = try parser.choice(n, key: "train.loss") }
            if let n = m["num_sampled"] { train.numSampled = try parser.int(n, key: "train.num_sampled") }
            if let n = m["optimizer"] { train.optimizer = try parser.choice(n, key: "train.optimizer") }
            if let n = m["learning_rate"] { train.learningRate = try parser.double(n, key: "train.learning_rate") }
            if let n = m["min_learning_rate"] { train.minLearningRate = try parser.double(n, key: "train.min_learning_rate") }
            if let n = m["decay"] { train.decay = try parser.double(n, key: "train.decay") }
            if let n = m["max_gradient_norm"] { train.maxGradientNorm = try parser.double(n, key: "train.max_gradient_norm") }
            if let n = m["batch_size"] { train.batchSize = try parser.int(n, key: "train.batch_size") }
            if let n = m["max_minutes"] { train.maxMinutes = try parser.double(n, key: "train.max_minutes") }
            if let n = m["max_steps"] { train.maxSteps = try parser.int(n, key: "train.max_steps") }
            if let n = m["eval_every"] { train.evalEvery = try parser.int(n, key: "train.eval_every") }
            if let n = m["log_every"] { train.logEvery = try parser.int(n, key: "train.log_every") }
            if let n = m["patience"] { train.patience = try parser.int(n, key: "train.patience") }
            if let n = m["seed"] { train.seed = try parser.int(n, key: "train.seed") }
            if train.loss == "sampled", train.numSampled >= data.targetVocabulary, let n = m["num_sampled"] ?? m["loss"] {
                throw parser.error(n, "train.num_sampled (\(train.numSampled)) must be smaller than data.tgt_vocab (\(data.targetVocabulary))")
            }
        }
        if let node = top["decode"] {
            let m = try parser.mapping(node, key: "decode", allowed: RecipeKey.keys(in: "decode"))
            if let n = m["beam"] { decode.beam = try parser.int(n, key: "decode.beam") }
            if let n = m["length_penalty"] { decode.lengthPenalty = try parser.double(n, key: "decode.length_penalty") }
            if let n = m["max_length_ratio"] { decode.maxLengthRatio = try parser.double(n, key: "decode.max_length_ratio") }
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
